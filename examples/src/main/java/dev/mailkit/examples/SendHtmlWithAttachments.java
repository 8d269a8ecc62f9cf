package dev.mailkit.examples;

import dev.mailkit.smtp.Email;
import dev.mailkit.smtp.SendResult;
import dev.mailkit.smtp.SmtpSender;

import java.nio.file.Path;

/**
 * Sends HTML with a plain-text alternative, an attached file and an inline image.
 * Usage: {@code SendHtmlWithAttachments FROM TO FILE IMAGE.png}.
 */
public final class SendHtmlWithAttachments {

    private SendHtmlWithAttachments() {
    }

    public static void main(String[] args) throws Exception {
        SendResult r = run(ExampleAccount.fromEnvironment(), args[0], args[1], Path.of(args[2]),
                java.nio.file.Files.readAllBytes(Path.of(args[3])));
        System.out.println("sent " + r.messageId());
    }

    static SendResult run(ExampleAccount account, String from, String to, Path attachment, byte[] logoPng) {
        Email email = Email.builder()
                .from(from, "Reports")
                .to(to)
                .subject("Monthly report")
                .text("The report is attached.")                                   // for clients without HTML
                .html("<h1>Monthly report</h1><p>Attached.</p><img src=\"cid:logo\">")
                .inline("logo", logoPng, "image/png")                              // shown inside the HTML
                .attach(attachment)                                                // content type from the name
                .build();
        try (SmtpSender sender = account.sender().build()) {
            return sender.send(email);
        }
    }
}
