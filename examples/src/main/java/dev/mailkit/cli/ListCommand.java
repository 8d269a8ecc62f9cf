package dev.mailkit.cli;

import dev.mailkit.imap.Envelope;
import dev.mailkit.imap.EnvelopeSort;
import dev.mailkit.imap.LocalMailbox;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code mailkit list}. */
@Command(name = "list", mixinStandardHelpOptions = true, footer = ExitCodes.HELP,
        description = {"Lists a mirrored folder's messages from the index, newest first: id, date, flags (U unread,"
                + " F flagged, A answered, @ attachments), sender and subject.", "No server is contacted."})
final class ListCommand implements Callable<Integer> {

    @ParentCommand
    Mailkit root;

    @Option(names = "--dir", required = true, description = "The Maildir a sync wrote (with its mailkit-state.db).")
    Path dir;

    @Option(names = "--folder", defaultValue = "INBOX", description = "The folder (default INBOX).")
    String folder;

    @Option(names = "--limit", defaultValue = "50", description = "At most this many messages (default 50, at most 10000).")
    int limit;

    @Option(names = "--offset", defaultValue = "0", description = "Skip this many first (default 0).")
    int offset;

    @Option(names = "--sort", defaultValue = "date", paramLabel = "date|from|subject",
            description = "The order: date (newest first, the default), from or subject.")
    String sort;

    @Option(names = "--json", description = "Print one JSON document: status, exitCode, folder, total, offset, messages.")
    boolean json;

    @Override
    public Integer call() {
        EnvelopeSort order = switch (sort.toLowerCase(java.util.Locale.ROOT)) {
            case "date" -> EnvelopeSort.DATE;
            case "from" -> EnvelopeSort.FROM;
            case "subject" -> EnvelopeSort.SUBJECT;
            default -> throw new IllegalArgumentException("--sort takes date, from or subject, not " + Json.quote(sort));
        };
        try (LocalMailbox box = LocalMailbox.open(dir)) {
            List<Envelope> page = box.list(folder, order, offset, limit);
            int total = box.count(folder);
            if (json) {
                root.out.println(Json.result("ok", ExitCodes.OK).put("folder", folder).put("total", total).put("offset", offset)
                        .put("messages", page.stream().map(MirrorText::json).toList()));
            } else {
                int w = MirrorText.idWidth(page);
                page.forEach(e -> root.out.println(MirrorText.line(e, w)));
                root.out.printf("%d of %d message(s) in %s, by %s%s%n", page.size(), total, Printable.of(folder),
                        order.name().toLowerCase(java.util.Locale.ROOT), offset > 0 ? ", from " + (offset + 1) : "");
            }
            return ExitCodes.OK;
        }
    }
}
