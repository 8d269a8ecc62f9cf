package dev.mailkit.cli;

import dev.mailkit.imap.EmailAddress;
import dev.mailkit.imap.Envelope;
import dev.mailkit.imap.LocalMailbox;
import dev.mailkit.imap.LocalMessage;
import dev.mailkit.imap.MessagePart;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/** {@code mailkit show}. */
@Command(name = "show", mixinStandardHelpOptions = true, footer = ExitCodes.HELP,
        description = {"Shows one mirrored message: its header, its text and its attachments.",
                "ID is FOLDER:UID as list and search print it (or a UID of --folder). No server is contacted."})
final class ShowCommand implements Callable<Integer> {

    @ParentCommand
    Mailkit root;

    @Option(names = "--dir", required = true, description = "The Maildir a sync wrote (with its mailkit-state.db).")
    Path dir;

    @Option(names = "--folder", defaultValue = "INBOX", description = "The folder of an ID given as a UID alone (default INBOX).")
    String folder;

    @Option(names = "--raw", description = "Write the message exactly as the server sent it, and nothing else.")
    boolean raw;

    @Option(names = "--html", description = "Show the HTML body as it is (its source) instead of the text.")
    boolean html;

    @Option(names = "--save-attachments", paramLabel = "DIR", description = "Save the attachments in DIR (made when"
            + " missing) under safe names: no path, no control characters; an existing file is never replaced.")
    Path saveTo;

    @Option(names = "--json", description = "Print one JSON document: status, exitCode, message, headers, text, html,"
            + " attachments, inlineParts, saved.")
    boolean json;

    @Parameters(paramLabel = "ID", description = "FOLDER:UID, for example INBOX:17, or a UID of --folder.")
    String id;

    @Override
    public Integer call() throws IOException {
        if (raw && (json || saveTo != null || html)) {
            throw new IllegalArgumentException("--raw prints the message alone: it goes with no --json, --html or --save-attachments");
        }
        String fullId = id.matches("[0-9]+") ? folder + ":" + id : id;
        try (LocalMailbox box = LocalMailbox.open(dir)) {
            LocalMessage m = box.open(fullId);
            if (raw) {
                root.out.flush();
                try (InputStream in = m.openRaw()) {
                    in.transferTo(root.binaryOut);
                }
                root.binaryOut.flush();
                return ExitCodes.OK;
            }
            List<Path> saved = saveTo == null ? List.of() : save(m.attachments(), saveTo);
            if (json) {
                root.out.println(Json.result("ok", ExitCodes.OK).put("message", MirrorText.json(m.envelope()))
                        .put("headers", m.headers().stream().map(h -> new Json().put("name", h.name()).put("value", h.value()))
                                .toList())
                        .put("text", m.text().orElse(null)).put("html", m.html().orElse(null)).put("truncated", m.truncated())
                        .put("attachments", parts(m.attachments())).put("inlineParts", parts(m.inlineParts()))
                        .put("saved", saved.stream().map(Path::toString).toList()));
                return ExitCodes.OK;
            }
            print(m);
            saved.forEach(p -> root.out.println("saved " + Printable.of(p.toString())));
            return ExitCodes.OK;
        }
    }

    private static List<Json> parts(List<MessagePart> parts) {
        List<Json> out = new ArrayList<>();
        for (MessagePart p : parts) {
            out.add(new Json().put("fileName", p.fileName().orElse(null)).put("safeFileName", p.safeFileName())
                    .put("contentType", p.contentType()).put("size", p.size()).put("contentId", p.contentId().orElse(null)));
        }
        return out;
    }

    private static String people(List<EmailAddress> list) {
        return list.stream().map(EmailAddress::toString).collect(Collectors.joining(", "));
    }

    private void print(LocalMessage m) {
        Envelope e = m.envelope();
        root.out.println("From:    " + Printable.of(people(e.from())));
        root.out.println("To:      " + Printable.of(people(e.to())));
        if (!e.cc().isEmpty()) {
            root.out.println("Cc:      " + Printable.of(people(e.cc())));
        }
        root.out.println("Date:    " + DateTimeFormatter.RFC_1123_DATE_TIME.format(e.date().atZone(ZoneId.systemDefault())));
        root.out.println("Subject: " + Printable.of(e.subject()));
        root.out.println("Id:      " + Printable.of(e.id()) + (e.messageId().isEmpty() ? "" : "  " + Printable.of(e.messageId())));
        root.out.println("Flags:   " + (e.flags().imapNames().isEmpty() ? "(none)" : Printable.of(String.join(" ",
                e.flags().imapNames()))));
        root.out.println();
        String text = html ? m.html().orElse("(no HTML part)") : m.displayText();
        root.out.println(MirrorText.body(text.isEmpty() ? "(no text)" : text));
        if (m.truncated()) {
            root.out.println("(cut: longer than mailkit keeps in memory; --raw gives the whole message)");
        }
        list("Attachments", m.attachments());
        list("Inline parts", m.inlineParts());
    }

    private void list(String title, List<MessagePart> parts) {
        if (parts.isEmpty()) {
            return;
        }
        root.out.println();
        root.out.println(title + " (" + parts.size() + "):");
        int i = 1;
        for (MessagePart p : parts) {
            root.out.printf("  %d. %s  %s  %s%n", i++, Printable.of(p.safeFileName()), Printable.of(p.contentType()),
                    MirrorText.size(p.size()));
        }
    }

    /**
     * Writes each attachment into {@code dir} under its safe name; a name already taken gets " (2)", " (3)", ...
     * before its extension. Files are created new (never replacing or following a link); the names hold no path.
     */
    static List<Path> save(List<MessagePart> parts, Path dir) throws IOException {
        Path target = dir.toAbsolutePath().normalize();
        Files.createDirectories(target);
        List<Path> saved = new ArrayList<>();
        for (MessagePart p : parts) {
            String name = p.safeFileName();
            int dot = name.lastIndexOf('.');
            String stem = dot > 0 ? name.substring(0, dot) : name;
            String ext = dot > 0 ? name.substring(dot) : "";
            for (int n = 1; ; n++) {
                Path file = target.resolve(n == 1 ? name : stem + " (" + n + ")" + ext).normalize();
                if (!target.equals(file.getParent())) {
                    throw new IllegalStateException("attachment name " + Json.quote(name) + " leaves " + target);
                }
                try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                        LinkOption.NOFOLLOW_LINKS); InputStream in = p.open()) {
                    in.transferTo(out);
                    saved.add(file);
                    break;
                } catch (FileAlreadyExistsException taken) {
                    if (n > 1000) {
                        throw new UncheckedIOException(taken);
                    }
                }
            }
        }
        return saved;
    }
}
