package dev.mailkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailkit.fleet.testing.PostgresServer;
import dev.mailkit.imap.testing.DovecotServer;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code mailkit fleet}: a worker on a real PostgreSQL syncing real Dovecot accounts, and its usage errors. */
class MailkitFleetIT {

    @RegisterExtension
    static final DovecotServer.PerClass DOVECOT = new DovecotServer.PerClass();

    static PostgresServer postgres;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        postgres = PostgresServer.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (postgres != null) {
            postgres.close();
        }
    }

    private static void append(String user, String subject) throws Exception {
        Store store = Session.getInstance(new Properties()).getStore("imap");
        store.connect("127.0.0.1", DOVECOT.server().port(), user, DovecotServer.PASSWORD);
        try {
            Folder f = store.getFolder("INBOX");
            String raw = "From: a@example.com\r\nTo: " + user + "@example.com\r\nSubject: " + subject
                    + "\r\nMessage-ID: <" + subject.replace(' ', '-') + "@example.com>\r\n\r\nbody\r\n";
            f.appendMessages(new Message[] {new MimeMessage(Session.getInstance(new Properties()),
                    new ByteArrayInputStream(raw.getBytes(StandardCharsets.US_ASCII)))});
        } finally {
            store.close();
        }
    }

    private Path accounts(String... lines) throws Exception {
        Path f = dir.resolve("accounts");
        Files.writeString(f, String.join("\n", lines) + "\n");
        return f;
    }

    private String line(String user) {
        return user + "@example.com user=" + user + " password-env=DOVECOT_PW host=127.0.0.1 port="
                + DOVECOT.server().port() + " security=plain";
    }

    @Test
    void aWorker_syncsEveryAccountOfTheFile_intoTheDatabase() throws Exception {
        append("alice", "fleet one");
        append("alice", "fleet two");
        append("bob", "fleet three");
        String db = postgres.newDatabase();
        Path file = accounts("# two accounts", line("alice"), "", line("bob"));
        CliRun r = CliRun.of(Map.of("DOVECOT_PW", DovecotServer.PASSWORD), "fleet", "--db", db, "--accounts",
                file.toString(), "--threads", "2", "--for", "8", "--interval", "2");
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("fleet: worker started on 2 account(s) in the file, 2 in the database")
                .contains("fleet: synced alice@example.com (2 added").contains("fleet: synced bob@example.com (1 added")
                .endsWith("fleet: worker stopped\n").doesNotContain("failed");
        assertThat(r.out() + r.err()).doesNotContain(DovecotServer.PASSWORD);

        // a second worker on the same database (the accounts due again 2 s after their last sync) finds the mail
        // already there: nothing added again
        CliRun again = CliRun.of(Map.of("DOVECOT_PW", DovecotServer.PASSWORD), "fleet", "--db", db, "--accounts",
                file.toString(), "--for", "6", "--interval", "2");
        assertThat(again.code()).as(again.out() + again.err()).isZero();
        assertThat(again.out()).contains("fleet: synced alice@example.com (0 added").doesNotContain("2 added");
    }

    @Test
    void aWatchingWorker_syncsWhenMailArrives_notOnlyEveryInterval_andGivesTheAccountBackOnStop() throws Exception {
        append("carol", "watched before");
        String db = postgres.newDatabase();
        Path file = accounts(line("carol"));
        // the interval is ten minutes: a second sync that adds the new message can only come from IDLE
        java.util.concurrent.CompletableFuture<CliRun> run = java.util.concurrent.CompletableFuture.supplyAsync(() ->
                CliRun.of(Map.of("DOVECOT_PW", DovecotServer.PASSWORD), "fleet", "--db", db, "--accounts",
                        file.toString(), "--watch", "10", "--interval", "600", "--for", "9"));
        Thread.sleep(5000);
        append("carol", "watched after");
        CliRun r = run.get(60, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        String out = r.out();
        assertThat(out).contains("fleet: watching carol@example.com").contains("fleet: gave back carol@example.com")
                .doesNotContain("failed");
        int first = out.indexOf("fleet: synced carol@example.com");
        assertThat(first).as(out).isNotNegative();
        assertThat(out.substring(first + 1)).as(out).contains("fleet: synced carol@example.com (1 added");
    }

    @Test
    void badAccountFiles_andMissingPasswords_areUsageErrors_namingTheLine() throws Exception {
        String db = postgres.newDatabase();
        CliRun noEnv = CliRun.of(Map.of(), "fleet", "--db", db, "--accounts", accounts(line("alice")).toString(), "--for", "1");
        assertThat(noEnv.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(noEnv.err()).contains("DOVECOT_PW").contains("alice@example.com");
        CliRun twice = CliRun.of(Map.of("DOVECOT_PW", "x"), "fleet", "--db", db, "--accounts",
                accounts(line("alice"), line("alice")).toString());
        assertThat(twice.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(twice.err()).contains("line 2").contains("listed twice");
        CliRun noPassword = CliRun.of(Map.of(), "fleet", "--db", db, "--accounts",
                accounts("carol@example.com user=carol password=secret").toString());
        assertThat(noPassword.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(noPassword.err()).contains("line 1").contains("unknown key 'password'");
        assertThat(noPassword.out() + noPassword.err()).doesNotContain("secret");
    }
}
