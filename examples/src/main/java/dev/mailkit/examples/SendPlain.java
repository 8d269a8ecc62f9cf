package dev.mailkit.examples;

import dev.mailkit.smtp.Email;
import dev.mailkit.smtp.SendResult;
import dev.mailkit.smtp.SmtpSender;

/** Sends one plain-text message. Usage: {@code SendPlain FROM TO} with the account of {@link ExampleAccount}. */
public final class SendPlain {

    private SendPlain() {
    }

    public static void main(String[] args) {
        SendResult r = run(ExampleAccount.fromEnvironment(), args[0], args[1]);
        System.out.println("sent " + r.messageId() + " to " + r.accepted());
    }

    static SendResult run(ExampleAccount account, String from, String to) {
        try (SmtpSender sender = account.sender().build()) {
            return sender.send(Email.builder()
                    .from(from)
                    .to(to)
                    .subject("Hello from mailkit")
                    .text("A plain message: UTF-8, a Message-ID and a Date are set for you.")
                    .build());
        }
    }
}
