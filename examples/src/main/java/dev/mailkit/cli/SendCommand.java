package dev.mailkit.cli;

import dev.mailkit.smtp.Email;
import dev.mailkit.smtp.RejectedRecipient;
import dev.mailkit.smtp.SendResult;
import dev.mailkit.smtp.SmtpSender;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code mailkit send}. */
@Command(name = "send", mixinStandardHelpOptions = true, description = "Sends one message over SMTP.",
        footer = ExitCodes.HELP)
final class SendCommand implements Callable<Integer> {

    @ParentCommand
    Mailkit root;

    @Mixin
    AccountOptions account;

    @Option(names = "--from", required = true, description = "Sender address.")
    String from;

    @Option(names = "--to", required = true, arity = "1..*", description = "Recipients.")
    List<String> to;

    @Option(names = "--cc", arity = "1..*", description = "Copy recipients.")
    List<String> cc = new ArrayList<>();

    @Option(names = "--bcc", arity = "1..*", description = "Blind copy recipients.")
    List<String> bcc = new ArrayList<>();

    @Option(names = "--subject", required = true, description = "Subject.")
    String subject;

    /** The plain text body. */
    static final class Body {
        @Option(names = "--text", description = "Plain text body.")
        String text;

        @Option(names = "--text-file", paramLabel = "FILE", description = "Plain text body from a UTF-8 file.")
        Path textFile;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Body body;

    @Option(names = "--html-file", paramLabel = "FILE", description = "HTML body from a UTF-8 file (sent with the text as alternative).")
    Path htmlFile;

    @Option(names = "--attach", paramLabel = "FILE", arity = "1..*", description = "Files to attach.")
    List<Path> attach = new ArrayList<>();

    @Override
    public Integer call() throws IOException {
        Email.Builder email = Email.builder().from(from).to(to.toArray(new String[0])).subject(subject)
                .text(body.text != null ? body.text : read(body.textFile));
        if (!cc.isEmpty()) {
            email.cc(cc.toArray(new String[0]));
        }
        if (!bcc.isEmpty()) {
            email.bcc(bcc.toArray(new String[0]));
        }
        if (htmlFile != null) {
            email.html(read(htmlFile));
        }
        for (Path f : attach) {
            email.attach(f);
        }
        Email message = email.build();
        SmtpSender.Builder sender = SmtpSender.builder().credentials(account.credentials(root.environment))
                .options(account.connectionOptions()).poolSize(1);
        if (account.endpoint() != null) {
            sender.endpoint(account.endpoint());
        } else {
            sender.provider(account.server.provider);
        }
        SendResult result;
        try (SmtpSender s = sender.build()) {
            result = s.send(message);
        }
        root.out.println("sent " + result.messageId() + " to " + result.accepted().size() + " recipient(s)");
        if (result.isPartial()) {
            for (RejectedRecipient r : result.rejected()) {
                root.err.println("mailkit: refused recipient " + r.address() + ": " + r.reply());
            }
            return ExitCodes.PARTIAL;
        }
        return ExitCodes.OK;
    }

    private static String read(Path file) throws IOException {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage());
        }
    }
}
