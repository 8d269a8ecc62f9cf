package dev.mailkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailkit.smtp.SesSmtpPassword;
import dev.mailkit.smtp.testing.FakeSmtpServer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Sending services from the command line: listed and shown with their kind, login form and limits; SES passwords derived. */
class SendingServicesCliTest {

    private static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

    private FakeSmtpServer server;

    @BeforeEach
    void start() throws Exception {
        server = new FakeSmtpServer();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    @Test
    void providersList_marksSendingServices_andShowGivesLoginFormLimitsAndDocs() {
        CliRun list = CliRun.of("providers", "list");
        assertThat(list.code()).isZero();
        assertThat(list.out().lines().filter(l -> l.startsWith("ses-eu-west-1 ")).findFirst()).get().asString()
                .contains("Amazon SES").contains("[sending service] email-smtp.eu-west-1.amazonaws.com");
        assertThat(list.out().lines().filter(l -> l.startsWith("gmail ")).findFirst()).get().asString()
                .contains("gmail.com").doesNotContain("sending service");
        assertThat(list.out().lines()).allMatch(l -> l.length() <= 120, "a compact line");

        CliRun ses = CliRun.of("providers", "show", "amazon-ses-us-east-1");
        assertThat(ses.code()).isZero();
        assertThat(ses.out()).startsWith("ses-us-east-1 — Amazon SES, US East (N. Virginia)")
                .contains("kind:     sending service").doesNotContain("domains:")
                .contains("SMTP:     email-smtp.us-east-1.amazonaws.com:587 STARTTLS")
                .contains("SMTP:     email-smtp.us-east-1.amazonaws.com:2465 SSL_TLS")
                .contains("user:     the SMTP user name").contains("password: the SMTP password of this Region")
                .contains("limits:   50 recipients a message, 40 MiB a message")
                .contains("sandbox:  200 messages a day, 1 message a second (send --sandbox)")
                .contains("SPF:      include:amazonses.com")
                .contains("docs:     https://docs.aws.amazon.com/ses/latest/dg/send-email-smtp.html");
        assertThat(CliRun.of("providers", "show", "sendgrid").out()).contains("user:     the word apikey");
        // a mailbox provider still shows its domains and user-name form
        assertThat(CliRun.of("providers", "show", "gmail").out()).contains("domains:  gmail.com")
                .contains("user:     the whole e-mail address").doesNotContain("kind:");
    }

    @Test
    void providersJson_includesTheServicesWithKindCredentialsLimitsAndSpf() {
        CliRun all = CliRun.of("providers", "list", "--json");
        assertThat(all.code()).isZero();
        assertThat(all.out()).contains("\"id\":\"ses-ap-southeast-2\"").contains("\"id\":\"postmark\"")
                .contains("\"kind\":\"MAILBOX\"").contains("\"kind\":\"SENDING_SERVICE\"");
        CliRun ses = CliRun.of("providers", "show", "ses-eu-west-1", "--json");
        assertThat(ses.out().strip()).startsWith("{\"status\":\"ok\"").endsWith("}")
                .contains("\"kind\":\"SENDING_SERVICE\"").contains("\"domains\":[]")
                .contains("\"limits\":{\"recipientsPerMessage\":50,\"maxMessageBytes\":41943040}")
                .contains("\"sandboxLimits\":{\"messagesPerDay\":200,\"messagesPerSecond\":1}")
                .contains("\"spfInclude\":\"amazonses.com\"")
                .contains("\"credentials\":{\"user\":\"the SMTP user name")
                .contains("\"documentation\":\"https://docs.aws.amazon.com/ses/latest/dg/send-email-smtp.html\"");
        assertThat(CliRun.of("providers", "show", "gmail", "--json").out()).contains("\"kind\":\"MAILBOX\"")
                .contains("\"credentials\":null").contains("\"spfInclude\":null");
        // an address never finds a sending service
        assertThat(CliRun.of("providers", "lookup", "me@amazonses.com", "--offline").code()).isNotZero();
    }

    @Test
    void send_withSesSecretKey_logsInWithTheDerivedPassword_andNeverPrintsIt() {
        CliRun r = CliRun.of(Map.of("SES_KEY", SECRET), "send", "--host", "127.0.0.1", "--port",
                String.valueOf(server.port()), "--security", "plain", "--user", "AKIAEXAMPLE", "--ses-secret-key-env",
                "SES_KEY", "--ses-region", "eu-west-1", "--from", "me@example.com", "--to", "you@example.com",
                "--subject", "Hi", "--text", "Hello");
        assertThat(r.code()).as(r.err()).isZero();
        String password = SesSmtpPassword.fromSecretAccessKey(SECRET, "eu-west-1");
        List<String> auth = server.commandsStartingWith("AUTH ");
        assertThat(auth).isNotEmpty();
        assertThat(decodedLogins(auth)).anyMatch(l -> l.endsWith("\0AKIAEXAMPLE\0" + password)); // [authzid] NUL user NUL password
        assertThat(r.out() + r.err()).doesNotContain(SECRET).doesNotContain(password);
        assertThat(server.messages()).hasSize(1);
    }

    @Test
    void send_sesSecretKey_refusesOtherSecrets_aServerItCannotPlace_andAMissingVariable() {
        CliRun both = CliRun.of(Map.of("SES_KEY", SECRET, "PW", "x"), "send", "--provider", "ses-us-east-1", "--user",
                "AKIAEXAMPLE", "--password-env", "PW", "--ses-secret-key-env", "SES_KEY", "--from", "me@example.com",
                "--to", "you@example.com", "--subject", "Hi", "--text", "Hello");
        assertThat(both.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(both.err()).contains("leave out --password-env");
        CliRun notSes = CliRun.of(Map.of("SES_KEY", SECRET), "send", "--provider", "sendgrid", "--user", "apikey",
                "--ses-secret-key-env", "SES_KEY", "--from", "me@example.com", "--to", "you@example.com",
                "--subject", "Hi", "--text", "Hello");
        assertThat(notSes.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(notSes.err()).contains("smtp.sendgrid.net").contains("--ses-region").doesNotContain(SECRET);
        CliRun unset = CliRun.of(Map.of(), "send", "--provider", "ses-us-east-1", "--user", "AKIAEXAMPLE",
                "--ses-secret-key-env", "SES_KEY", "--from", "me@example.com", "--to", "you@example.com",
                "--subject", "Hi", "--text", "Hello");
        assertThat(unset.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(unset.err()).contains("SES_KEY is not set");
        assertThat(server.connections()).isZero();
    }

    @Test
    void send_sandbox_onAServiceWithoutSandboxLimits_isAConfigurationError() {
        CliRun r = CliRun.of(Map.of("PW", "x"), "send", "--provider", "sendgrid", "--user", "apikey", "--password-env",
                "PW", "--sandbox", "--from", "me@example.com", "--to", "you@example.com", "--subject", "Hi", "--text", "Hello");
        assertThat(r.code()).isNotZero();
        assertThat(r.err()).contains("no sandbox limits");
    }

    @Test
    void sesLoginAdvice_namesTheCliOption() {
        String hint = dev.mailkit.core.registry.ProviderRegistry.defaults().byId("ses-eu-west-1").orElseThrow()
                .authenticationHint(dev.mailkit.core.AuthMethod.PASSWORD);
        assertThat(hint).contains("SesSmtpPassword");
        assertThat(CliAdvice.of(hint)).contains("send --ses-secret-key-env VAR derives it").doesNotContain("SesSmtpPassword");
    }

    private static List<String> decodedLogins(List<String> authCommands) {
        return authCommands.stream().filter(c -> c.startsWith("AUTH PLAIN "))
                .map(c -> new String(Base64.getDecoder().decode(c.substring("AUTH PLAIN ".length()).strip()),
                        StandardCharsets.UTF_8)).toList();
    }
}
