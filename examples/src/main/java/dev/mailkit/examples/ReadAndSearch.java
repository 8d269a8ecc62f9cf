package dev.mailkit.examples;

import dev.mailkit.imap.EmailAddress;
import dev.mailkit.imap.Envelope;
import dev.mailkit.imap.EnvelopeSort;
import dev.mailkit.imap.LocalMailbox;
import dev.mailkit.imap.LocalMessage;
import dev.mailkit.imap.MessagePart;
import dev.mailkit.imap.MessageThread;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads a mirror offline: the newest messages of INBOX, a search, the first match opened and its attachments
 * saved, the conversations. Usage: {@code ReadAndSearch DIR QUERY [DOWNLOADS]} (DIR: a Maildir a sync wrote).
 */
public final class ReadAndSearch {

    private ReadAndSearch() {
    }

    public static void main(String[] args) throws IOException {
        run(Path.of(args[0]), args[1], Path.of(args.length > 2 ? args[2] : "downloads"),
                new PrintWriter(System.out, true, StandardCharsets.UTF_8));
    }

    static List<Envelope> run(Path maildir, String query, Path downloads, PrintWriter out) throws IOException {
        try (LocalMailbox box = LocalMailbox.open(maildir)) {
            for (Envelope e : box.list("INBOX", EnvelopeSort.DATE, 0, 10)) {   // from the index alone
                out.printf("%s  %s  %s  %s%n", e.id(), e.date(), e.sender().map(EmailAddress::displayName).orElse(""),
                        e.subject());
            }
            List<Envelope> found = box.search(query, 0, 20);
            out.println(found.size() + " match(es) for " + query);
            if (!found.isEmpty()) {
                LocalMessage m = box.open(found.get(0).folder(), found.get(0).uid());
                out.println(m.displayText());
                Files.createDirectories(downloads);
                for (MessagePart a : m.attachments()) {
                    try (InputStream in = a.open()) {                            // streamed from the file
                        Files.copy(in, downloads.resolve(a.safeFileName()));     // a name without a path
                    }
                    out.println("saved " + a.safeFileName() + " (" + a.size() + " bytes)");
                }
            }
            for (MessageThread t : box.threads("INBOX", 0, 5)) {
                out.printf("%d message(s): %s%n", t.size(), t.subject());
            }
            return found;
        }
    }
}
