package dev.mailkit.cli;

import dev.mailkit.smtp.BatchSummary;
import dev.mailkit.smtp.Dkim;
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

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

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

    @Option(names = "--separately", description = "Send one message to each --to recipient (a batch over a pool of"
            + " connections, with progress) instead of one message to all.")
    boolean separately;

    @Option(names = "--dkim-key", paramLabel = "FILE", description = "Sign with DKIM using this private key (PEM:"
            + " PKCS#8 RSA or Ed25519, or PKCS#1 RSA). Needs --dkim-selector.")
    Path dkimKey;

    @Option(names = "--dkim-selector", paramLabel = "S", description = "The DKIM selector: the public key is published"
            + " at S._domainkey.DOMAIN.")
    String dkimSelector;

    @Option(names = "--dkim-domain", paramLabel = "DOMAIN", description = "The DKIM signing domain (default: the"
            + " --from address's domain).")
    String dkimDomain;

    @Option(names = "--list-unsubscribe", paramLabel = "URL", description = "One-click unsubscribe (RFC 8058): an"
            + " https URL written as List-Unsubscribe, with List-Unsubscribe-Post.")
    String listUnsubscribe;

    @Option(names = "--list-unsubscribe-mailto", paramLabel = "ADDRESS", description = "An address that unsubscribes"
            + " by mail, also written in List-Unsubscribe (with --list-unsubscribe).")
    String listUnsubscribeMailto;

    @Option(names = "--feedback-id", paramLabel = "ID", description = "A Feedback-ID header (Gmail's complaint"
            + " reports per campaign), for example campaign:list:sender.")
    String feedbackId;

    @Option(names = "--envelope-from", paramLabel = "ADDRESS", description = "The envelope sender (MAIL FROM),"
            + " where bounces go, when it is not --from.")
    String envelopeFrom;

    @Option(names = "--ses-secret-key-env", paramLabel = "VAR", description = "Amazon SES: read the IAM secret access"
            + " key from this environment variable and derive the Region's SMTP password from it (AWS's algorithm);"
            + " --user is then the access key ID. Instead of --password-env or --password-file.")
    String sesSecretKeyEnv;

    @Option(names = "--ses-region", paramLabel = "REGION", description = "With --ses-secret-key-env: the AWS Region the"
            + " password is for, where the server's host does not name it (a VPC endpoint, --host).")
    String sesRegion;

    @Option(names = "--sandbox", description = "Apply the provider's sandbox limits (Amazon SES: 200 messages a day,"
            + " 1 a second) over its regular ones, for an account still in the sandbox.")
    boolean sandbox;

    @Option(names = "--json", description = "Print the result (or the error) as one JSON document on standard "
            + "output: status, exitCode, messageId, accepted and rejected recipients; with --separately, "
            + "sent, failed and each message.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        if (separately) {
            return sendEach();
        }
        Email.Builder email = message(to);
        if (!cc.isEmpty()) {
            email.cc(cc.toArray(new String[0]));
        }
        if (!bcc.isEmpty()) {
            email.bcc(bcc.toArray(new String[0]));
        }
        Email message = email.build();
        SendResult result;
        try (SmtpSender s = sender(1)) {
            result = s.send(message);
        }
        int code = result.isPartial() ? ExitCodes.PARTIAL : ExitCodes.OK;
        if (json) {
            root.out.println(Json.result(result.isPartial() ? "partial" : "ok", code)
                    .put("messageId", result.messageId()).put("accepted", result.accepted())
                    .put("rejected", result.rejected().stream().map(r -> new Json().put("address", r.address())
                            .put("reply", r.reply().text().strip())).toList())
                    .put("attempts", result.attempts()));
            return code;
        }
        root.out.println("sent " + result.messageId() + " to " + result.accepted().size() + " recipient(s)");
        if (result.isPartial()) {
            for (RejectedRecipient r : result.rejected()) {
                root.err.println("mailkit: refused recipient " + r.address() + ": "
                        + Printable.of(r.reply().text().strip()));
            }
            return ExitCodes.PARTIAL;
        }
        return ExitCodes.OK;
    }

    private Email.Builder message(List<String> recipients) throws IOException {
        Email.Builder email = Email.builder().from(from).to(recipients.toArray(new String[0])).subject(subject)
                .text(body.text != null ? body.text : read(body.textFile));
        if (htmlFile != null) {
            email.html(read(htmlFile));
        }
        for (Path f : attach) {
            email.attach(f);
        }
        if (listUnsubscribe != null) {
            email.listUnsubscribe(listUnsubscribe, listUnsubscribeMailto);
        } else if (listUnsubscribeMailto != null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--list-unsubscribe-mailto needs --list-unsubscribe URL (one-click unsubscribe is by https)");
        }
        if (feedbackId != null) {
            email.feedbackId(feedbackId);
        }
        if (envelopeFrom != null) {
            email.envelopeFrom(envelopeFrom);
        }
        return email;
    }

    /** The DKIM settings of the options, or null when not signing. */
    private Dkim dkim() {
        if (dkimKey == null && dkimSelector == null && dkimDomain == null) {
            return null;
        }
        if (dkimKey == null || dkimSelector == null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "DKIM signing needs --dkim-key FILE and --dkim-selector S (and --dkim-domain when not the"
                            + " --from domain)");
        }
        String domain = dkimDomain;
        if (domain == null) {
            String address = from.contains("<") ? from.substring(from.lastIndexOf('<') + 1).replace(">", "") : from;
            domain = address.substring(address.lastIndexOf('@') + 1).trim();
        }
        return Dkim.fromPemFile(domain, dkimSelector, dkimKey);
    }

    private SmtpSender sender(int connections) {
        dev.mailkit.core.Credentials credentials = sesSecretKeyEnv != null ? sesCredentials()
                : account.credentials(root.environment);
        SmtpSender.Builder sender = SmtpSender.builder().credentials(credentials)
                .options(account.connectionOptions(root.environment)).poolSize(connections);
        Dkim dkim = dkim();
        if (dkim != null) {
            sender.dkim(dkim);
        }
        if (account.endpoint() != null) {
            sender.endpoint(account.endpoint());
        } else {
            sender.registry(account.registry()).provider(account.server.provider);
        }
        if (sandbox) {
            sender.sandboxLimits();
        }
        return sender.build();
    }

    /**
     * Amazon SES: the access key ID from --user, the SMTP password derived from the secret access key in the
     * variable, for the Region of the server's host ({@code email-smtp.REGION.amazonaws.com}).
     */
    private dev.mailkit.core.Credentials sesCredentials() {
        if (account.secret != null || account.oauth2) {
            throw new IllegalArgumentException("--ses-secret-key-env derives the password: leave out --password-env,"
                    + " --password-file and --oauth2");
        }
        String host = account.endpoint() != null ? account.endpoint().host()
                : account.registry().lookup(account.server.provider).smtp().get(0).host();
        String region = sesRegion != null ? sesRegion : dev.mailkit.smtp.SesSmtpPassword.regionOf(host)
                .orElseThrow(() -> new IllegalArgumentException("--ses-secret-key-env is for Amazon SES, whose SMTP"
                        + " hosts are email-smtp.REGION.amazonaws.com, not " + Printable.of(host) + ": use --provider"
                        + " ses-REGION (see 'mailkit providers list'), or name the Region with --ses-region"));
        String secret = root.environment.apply(sesSecretKeyEnv);
        if (secret == null || secret.isEmpty()) {
            throw new IllegalArgumentException("environment variable " + sesSecretKeyEnv
                    + (secret == null ? " is not set" : " is set but empty"));
        }
        return dev.mailkit.smtp.SesSmtpPassword.credentials(account.user, secret.strip(), region);
    }

    /** One message per recipient, with a progress bar on a terminal and a line per failure. */
    private int sendEach() throws IOException {
        if (!cc.isEmpty() || !bcc.isEmpty()) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--separately sends one message to"
                    + " each --to recipient: --cc and --bcc cannot be used with it");
        }
        List<Email> batch = new ArrayList<>();
        for (String recipient : to) {
            batch.add(message(List.of(recipient)).build());
        }
        java.util.concurrent.atomic.AtomicLong failed = new java.util.concurrent.atomic.AtomicLong();
        Json[] each = new Json[batch.size()];
        java.util.concurrent.atomic.AtomicInteger firstFailure = new java.util.concurrent.atomic.AtomicInteger();
        BatchSummary summary;
        try (Progress progress = new Progress(root.out, root.terminal && !json, "send", " msg",
                Progress.width(root.environment, root.terminal && !json)); SmtpSender s = sender(4)) {
            if (!json) {
                progress.addTotal(batch.size());
            }
            summary = s.sendAll(batch, outcome -> {
                Json one = new Json().put("to", to.get((int) outcome.index()));
                outcome.result().ifPresent(r -> one.put("status", r.isPartial() ? "partial" : "sent")
                        .put("messageId", r.messageId()));
                outcome.failure().ifPresent(f -> one.put("status", "failed").put("exitCode", ExitCodes.of(f))
                        .put("error", Mailkit.describe(f)));
                each[(int) outcome.index()] = one;
                if (outcome.failure().isPresent()) {
                    failed.incrementAndGet();
                    firstFailure.compareAndSet(0, ExitCodes.of(outcome.failure().get()));
                    if (!json) {
                        progress.line(root.err, "mailkit: not sent to " + to.get((int) outcome.index()) + ": "
                                + Mailkit.describe(outcome.failure().get()));
                    }
                }
                if (!json) {
                    progress.step(failed.get() + " failed");
                }
            });
        }
        // nothing sent: the exit code of what failed (a refused login, no connection); some sent: partial
        int code = summary.failed() == 0 ? ExitCodes.OK : summary.sent() == 0 ? firstFailure.get() : ExitCodes.PARTIAL;
        if (json) {
            root.out.println(Json.result(code == ExitCodes.OK ? "ok" : code == ExitCodes.PARTIAL ? "partial" : "error",
                    code).put("sent", summary.sent())
                    .put("failed", summary.failed()).put("milliseconds", summary.duration().toMillis())
                    .put("messages", java.util.Arrays.asList(each)));
            return code;
        }
        root.out.println("sent " + summary.sent() + " of " + batch.size() + " message(s), " + summary.failed()
                + " failed, in " + summary.duration().toMillis() + " ms");
        return code;
    }

    private static String read(Path file) throws IOException {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage());
        }
    }
}
