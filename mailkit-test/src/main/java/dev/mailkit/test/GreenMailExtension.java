package dev.mailkit.test;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.mailkit.core.ConnectionOptions;
import dev.mailkit.core.Credentials;
import dev.mailkit.core.Security;
import dev.mailkit.core.ServerEndpoint;
import dev.mailkit.imap.ImapSynchronizer;
import dev.mailkit.smtp.SmtpSender;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A JUnit 5 extension that runs an embedded GreenMail (SMTP and IMAP, plain, on free loopback ports) and
 * hands out mailkit senders and synchronizers configured for it. Each test starts with empty mailboxes,
 * and what a test took from it is closed after the test.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final GreenMailExtension MAIL = new GreenMailExtension().withUser("me@localhost", "me", "secret");
 *
 * @Test
 * void welcomeMail() throws Exception {
 *     new Signup(MAIL.smtpSender()).register("new@localhost");
 *     assertThat(MAIL.received()).extracting(MimeMessage::getSubject).containsExactly("Welcome");
 * }
 * }</pre>
 *
 * <p>Registered on a static field, the server runs once per test class (its {@code @Nested} classes share
 * it); on an instance field, once per test. Tests that share a server must not run in parallel: each test
 * empties the mailboxes before it starts and closes what it took after it ends. The connections are plain
 * text on loopback, allowed explicitly for this server only.
 */
public final class GreenMailExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
        AfterEachCallback {

    private record User(String email, String login, String password) {
    }

    private final List<User> users = new ArrayList<>();
    private final List<AutoCloseable> handedOut = new ArrayList<>();
    private GreenMail greenMail;
    private boolean perClass;
    /** Test classes open (a {@code @Nested} class is one more inside its outer class): one server for all. */
    private int classes;

    /** An extension with one user, {@code me@localhost}, login {@code me}, password {@code secret}. */
    public GreenMailExtension() {
        users.add(new User("me@localhost", "me", "secret"));
    }

    /**
     * Replaces the default user with this one (call it again for more users; the first is the one
     * {@link #smtpSender()} and {@link #imapSynchronizer(Path)} log in as).
     *
     * @param email    the user's address
     * @param login    the login name
     * @param password the password
     * @return this extension
     */
    public GreenMailExtension withUser(String email, String login, String password) {
        if (users.size() == 1 && users.get(0).login().equals("me") && users.get(0).email().equals("me@localhost")) {
            users.clear();
        }
        users.add(new User(Objects.requireNonNull(email, "email"), Objects.requireNonNull(login, "login"),
                Objects.requireNonNull(password, "password")));
        return this;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        perClass = true;
        if (classes++ == 0) {
            start();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (--classes == 0) {
            stop();
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        if (!perClass) {
            start();
        } else {
            greenMail.purgeEmailFromAllMailboxes();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        closeHandedOut();
        if (!perClass) {
            stop();
        }
    }

    private void start() {
        greenMail = new GreenMail(new ServerSetup[] {new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP),
                new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP)});
        greenMail.start();
        for (User u : users) {
            greenMail.setUser(u.email(), u.login(), u.password());
        }
    }

    private void stop() {
        closeHandedOut();
        if (greenMail != null) {
            greenMail.stop();
            greenMail = null;
        }
    }

    private void closeHandedOut() {
        synchronized (handedOut) {
            for (AutoCloseable c : handedOut) {
                try {
                    c.close();
                } catch (Exception e) {
                    // closing after a test: a failure here must not hide the test's own result
                }
            }
            handedOut.clear();
        }
    }

    private GreenMail running() {
        if (greenMail == null) {
            throw new IllegalStateException("GreenMail runs only during a test: register the extension with"
                    + " @RegisterExtension and use it inside a test or a @BeforeEach method");
        }
        return greenMail;
    }

    /**
     * The running GreenMail, for what this class does not cover.
     *
     * @return the server
     */
    public GreenMail greenMail() {
        return running();
    }

    /**
     * Its SMTP endpoint.
     *
     * @return plain SMTP on loopback
     */
    public ServerEndpoint smtpEndpoint() {
        return ServerEndpoint.of("127.0.0.1", running().getSmtp().getPort(), Security.PLAIN);
    }

    /**
     * Its IMAP endpoint.
     *
     * @return plain IMAP on loopback
     */
    public ServerEndpoint imapEndpoint() {
        return ServerEndpoint.of("127.0.0.1", running().getImap().getPort(), Security.PLAIN);
    }

    /**
     * The first user's login.
     *
     * @return credentials for SMTP and IMAP
     */
    public Credentials credentials() {
        User u = users.get(0);
        return Credentials.password(u.login(), u.password());
    }

    /**
     * Connection options that allow this server's plain text.
     *
     * @return the options
     */
    public ConnectionOptions connectionOptions() {
        return ConnectionOptions.builder().allowPlaintext().build();
    }

    /**
     * A sender builder set up for this server and the first user, to add to before {@code build()}.
     *
     * @return the builder
     */
    public SmtpSender.Builder smtpSenderBuilder() {
        return SmtpSender.builder().endpoint(smtpEndpoint()).credentials(credentials()).options(connectionOptions());
    }

    /**
     * A sender for this server, logged in as the first user; closed after the test.
     *
     * @return the sender
     */
    public SmtpSender smtpSender() {
        return handOut(smtpSenderBuilder().build());
    }

    /**
     * A synchronizer builder set up for this server, the first user and the Maildir, to add to before
     * {@code build()}.
     *
     * @param maildir where the mirror goes (a {@code @TempDir})
     * @return the builder
     */
    public ImapSynchronizer.Builder imapSynchronizerBuilder(Path maildir) {
        return ImapSynchronizer.builder().endpoint(imapEndpoint()).credentials(credentials()).options(connectionOptions())
                .maildir(maildir);
    }

    /**
     * A synchronizer for this server, the first user and the Maildir; closed after the test.
     *
     * @param maildir where the mirror goes (a {@code @TempDir})
     * @return the synchronizer
     */
    public ImapSynchronizer imapSynchronizer(Path maildir) {
        return handOut(imapSynchronizerBuilder(maildir).build());
    }

    /**
     * Every message the server has received so far in this test.
     *
     * @return the messages, in the order they arrived
     */
    public List<MimeMessage> received() {
        return List.of(running().getReceivedMessages());
    }

    /**
     * Waits until the server has received at least {@code count} messages.
     *
     * @param count   how many
     * @param timeout how long at most, in milliseconds
     * @return whether they arrived in time
     */
    public boolean awaitReceived(int count, long timeout) {
        return running().waitForIncomingEmail(timeout, count);
    }

    private <T extends AutoCloseable> T handOut(T closeable) {
        synchronized (handedOut) {
            handedOut.add(closeable);
        }
        return closeable;
    }
}
