package dev.mailkit.cli;

import dev.mailkit.imap.Envelope;
import dev.mailkit.imap.LocalMailbox;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code mailkit search}. */
@Command(name = "search", mixinStandardHelpOptions = true, footer = ExitCodes.HELP,
        description = {"Searches every mirrored folder offline, newest first.",
                "Terms (combined with AND): word, \"a phrase\", prefix*, from:, to:, subject:, body:, filename:,"
                        + " has:attachment, is:unread|read|flagged|answered|draft, folder:NAME, after:2026-01-31,"
                        + " before:2026-02-01, and -term to exclude one.",
                "Quote the query for the shell, and put -- before it when it starts with '-':"
                        + " mailkit search --dir mail -- '-is:read from:alice'"})
final class SearchCommand implements Callable<Integer> {

    @ParentCommand
    Mailkit root;

    @Option(names = "--dir", required = true, description = "The Maildir a sync wrote (with its mailkit-state.db).")
    Path dir;

    @Option(names = "--limit", defaultValue = "50", description = "At most this many messages (default 50, at most 10000).")
    int limit;

    @Option(names = "--offset", defaultValue = "0", description = "Skip this many first (default 0).")
    int offset;

    @Option(names = "--json", description = "Print one JSON document: status, exitCode, query, total, offset, messages.")
    boolean json;

    @Parameters(arity = "1..*", paramLabel = "QUERY", description = "The query; several arguments are joined by spaces.")
    List<String> query;

    @Override
    public Integer call() {
        String q = String.join(" ", query);
        try (LocalMailbox box = LocalMailbox.open(dir)) {
            List<Envelope> found = box.search(q, offset, limit);
            int total = found.size() < limit && offset == 0 ? found.size() : box.searchCount(q);
            if (json) {
                root.out.println(Json.result("ok", ExitCodes.OK).put("query", q).put("total", total).put("offset", offset)
                        .put("messages", found.stream().map(MirrorText::json).toList()));
            } else {
                int w = MirrorText.idWidth(found);
                found.forEach(e -> root.out.println(MirrorText.line(e, w)));
                root.out.printf("%d of %d message(s) match%s%n", found.size(), total, offset > 0 ? ", from " + (offset + 1) : "");
            }
            return ExitCodes.OK;
        }
    }
}
