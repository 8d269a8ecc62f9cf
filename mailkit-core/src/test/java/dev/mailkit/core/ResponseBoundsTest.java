package dev.mailkit.core;

import static dev.mailkit.core.testing.StreamingServer.endless;
import static dev.mailkit.core.testing.StreamingServer.readLine;
import static dev.mailkit.core.testing.StreamingServer.send;
import static dev.mailkit.core.testing.StreamingServer.trickle;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.mailkit.core.DeadlineExceededException.Deadline;
import dev.mailkit.core.testing.StreamingServer;
import dev.mailkit.core.testing.TestCertificates;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Store;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLServerSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a server can make a connection spend, in memory and in time, is bounded per reply and per
 * deadline, on plain and TLS connections, for SMTP and IMAP; every bound ends in a typed exception that
 * names it. Servers here stream, trickle and never end; the memory of whole replies at a 128 MB heap is
 * proven in the SMTP and IMAP modules' bounded-heap tests.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ResponseBoundsTest {

    private static final Duration TRICKLE = Duration.ofMillis(100);

    private static ConnectionOptions.Builder plain() {
        return ConnectionOptions.builder().allowPlaintext().readTimeout(Duration.ofSeconds(5));
    }

    private static MailSession smtp(int port, ConnectionOptions options) {
        return MailSession.builder(Protocol.SMTP, ServerEndpoint.of("127.0.0.1", port, Security.PLAIN)).options(options).build();
    }

    private static MailSession imap(int port, ConnectionOptions options) {
        return MailSession.builder(Protocol.IMAP, ServerEndpoint.of("127.0.0.1", port, Security.PLAIN))
                .credentials(Credentials.password("u", "pw")).options(options).build();
    }

    /** An IMAP server that logs in and then answers {@code answer} to the command named (tag passed in). */
    private static StreamingServer imapServer(String command, ImapAnswer answer) throws Exception {
        return new StreamingServer((in, out) -> {
            send(out, "* OK [CAPABILITY IMAP4rev1] ready\r\n");
            String line;
            while ((line = readLine(in)) != null) {
                String[] w = line.split(" ");
                String verb = w[1].toUpperCase();
                if (verb.equals(command)) {
                    answer.send(w[0], out);
                } else if (verb.equals("CAPABILITY")) {
                    send(out, "* CAPABILITY IMAP4rev1\r\n" + w[0] + " OK done\r\n");
                } else if (verb.equals("LOGIN")) {
                    send(out, w[0] + " OK logged in\r\n");
                } else if (verb.equals("SELECT") || verb.equals("EXAMINE")) {
                    send(out, "* 1 EXISTS\r\n* 0 RECENT\r\n* OK [UIDVALIDITY 7] ok\r\n* FLAGS (\\Seen)\r\n"
                            + w[0] + " OK [READ-ONLY] done\r\n");
                } else if (verb.equals("LOGOUT")) {
                    send(out, "* BYE\r\n" + w[0] + " OK bye\r\n");
                    return;
                } else {
                    send(out, w[0] + " OK done\r\n");
                }
            }
        });
    }

    @FunctionalInterface
    private interface ImapAnswer {
        void send(String tag, OutputStream out) throws Exception;
    }

    // Memory per reply

    @Test
    void anEndlessMultiLineSmtpReply_failsOnTheReplyBound_notOnTheHeap() throws Exception {
        try (StreamingServer server = new StreamingServer((in, out) -> {
            send(out, "220 endless ESMTP\r\n");
            readLine(in); // EHLO
            endless(out, "250-an extension line that never ends the reply\r\n");
        })) {
            Throwable e = catchThrowable(smtp(server.port(), plain().build())::connectTransport);
            assertThat(e).isInstanceOfSatisfying(ResponseLimitException.class,
                    r -> assertThat(r.limit()).isEqualTo(ConnectionOptions.DEFAULT_MAX_SMTP_REPLY_MEMORY))
                    .hasMessageContaining("maxReplyMemory").hasMessageContaining("127.0.0.1:" + server.port());
        }
    }

    @Test
    void anEndlessStreamOfUntaggedImapResponses_failsOnTheReplyBound() throws Exception {
        try (StreamingServer server = imapServer("LOGIN", (tag, out) -> endless(out, "* 1 EXISTS\r\n"))) {
            ConnectionOptions options = plain().maxReplyMemory(4 << 20).build();
            Throwable e = catchThrowable(imap(server.port(), options)::connectStore);
            assertThat(e).isInstanceOfSatisfying(ResponseLimitException.class,
                    r -> assertThat(r.limit()).isEqualTo(4 << 20)).hasMessageContaining("maxReplyMemory");
        }
    }

    @Test
    void literalsThatTogetherExceedTheReplyBound_areRefusedAtTheAnnouncement_beforeTheirBytesAreRead() throws Exception {
        try (StreamingServer server = imapServer("LOGIN", (tag, out) -> {
            byte[] mib = new byte[1 << 20];
            java.util.Arrays.fill(mib, (byte) 'x');
            for (int i = 1; ; i++) {
                send(out, "* " + i + " FETCH (BODY[] {" + (3 << 20) + "}\r\n");
                for (int m = 0; m < 3; m++) {
                    out.write(mib);
                }
                send(out, ")\r\n");
            }
        })) {
            ConnectionOptions options = plain().maxReplyMemory(8 << 20).build();
            Throwable e = catchThrowable(imap(server.port(), options)::connectStore);
            // 3 + 3 MiB fit in 8 MiB; the third literal would not: refused at its announcement
            assertThat(e).isInstanceOf(ResponseLimitException.class)
                    .hasMessageContaining("announced a literal of " + (3 << 20) + " bytes, which would take its reply"
                            + " to one command past " + (8 << 20) + " bytes")
                    .hasMessageContaining("refused before reading it");
        }
    }

    @Test
    void listsNestedDeeperThanTheParserCanTake_areRefusedBeforeParsing() throws Exception {
        try (StreamingServer server = imapServer("LOGIN", (tag, out) ->
                send(out, "* 1 FETCH (BODYSTRUCTURE " + "(".repeat(20_000) + "\r\n"))) {
            Throwable e = catchThrowable(imap(server.port(), plain().build())::connectStore);
            assertThat(e).isInstanceOfSatisfying(ResponseLimitException.class,
                    r -> assertThat(r.limit()).isEqualTo(ResponseLimitException.MAX_NESTING))
                    .hasMessageContaining("nested more than 256 levels");
        }
    }

    // Deadlines

    @Test
    void aTrickledGreeting_endsAtTheGreetingDeadline_smtpAndImap() throws Exception {
        try (StreamingServer server = new StreamingServer((in, out) -> trickle(out, "220 " + "x".repeat(10_000), TRICKLE))) {
            ConnectionOptions options = plain().greetingTimeout(Duration.ofSeconds(1)).build();
            for (MailSession s : List.of(smtp(server.port(), options), imap(server.port(), options))) {
                long start = System.nanoTime();
                Throwable e = catchThrowable(s.protocol() == Protocol.SMTP ? s::connectTransport : s::connectStore);
                assertThat(e).as(s.protocol().name()).isInstanceOfSatisfying(DeadlineExceededException.class, d -> {
                    assertThat(d.deadline()).isEqualTo(Deadline.GREETING);
                    assertThat(d.timeout()).contains(Duration.ofSeconds(1));
                }).hasMessageContaining("greeting").hasMessageContaining("greetingTimeout");
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
            }
        }
    }

    @Test
    void aTrickledReply_endsAtTheReplyDeadline_althoughNoReadTimesOut() throws Exception {
        try (StreamingServer server = new StreamingServer((in, out) -> {
            send(out, "220 slow ESMTP\r\n");
            readLine(in);
            trickle(out, "250-" + "x".repeat(10_000), TRICKLE);
        })) {
            ConnectionOptions options = plain().replyTimeout(Duration.ofSeconds(1)).build();
            Throwable e = catchThrowable(smtp(server.port(), options)::connectTransport);
            assertThat(e).isInstanceOfSatisfying(DeadlineExceededException.class,
                    d -> assertThat(d.deadline()).isEqualTo(Deadline.REPLY)).hasMessageContaining("replyTimeout");
        }
    }

    @Test
    void aLoginMadeOfQuickRepliesThatNeverEnds_endsAtTheLoginDeadline() throws Exception {
        // Each reply line comes at once, yet the login never completes: the greeting is followed by
        // multi-line EHLO replies one line per 100 ms.
        try (StreamingServer server = new StreamingServer((in, out) -> {
            send(out, "220 slow ESMTP\r\n");
            readLine(in);
            while (true) {
                send(out, "250-line\r\n");
                Thread.sleep(100);
            }
        })) {
            ConnectionOptions options = plain().loginTimeout(Duration.ofSeconds(1)).build();
            Throwable e = catchThrowable(smtp(server.port(), options)::connectTransport);
            assertThat(e).isInstanceOfSatisfying(DeadlineExceededException.class,
                    d -> assertThat(d.deadline()).isEqualTo(Deadline.LOGIN)).hasMessageContaining("loginTimeout");
        }
    }

    @Test
    void anImplicitTlsHandshakeTrickledByteByByte_endsAtTheGreetingDeadline_notAsATlsFailure() throws Exception {
        SSLServerSocket tls = (SSLServerSocket) TestCertificates.serverContext().getServerSocketFactory()
                .createServerSocket(0, 5, InetAddress.getLoopbackAddress());
        Thread upstream = new Thread(() -> {
            try (Socket s = tls.accept()) {
                s.getOutputStream().write("220 tls ESMTP\r\n".getBytes());
                s.getInputStream().read();
            } catch (Exception e) {
                // the client gave up
            }
        });
        upstream.setDaemon(true);
        upstream.start();
        // A relay that forwards the server's handshake bytes one at a time.
        try (tls; StreamingServer relay = new StreamingServer((in, out) -> {
            try (Socket up = new Socket(InetAddress.getLoopbackAddress(), tls.getLocalPort())) {
                Thread toServer = new Thread(() -> {
                    try {
                        in.transferTo(up.getOutputStream());
                    } catch (Exception e) {
                        // closed
                    }
                });
                toServer.setDaemon(true);
                toServer.start();
                InputStream fromServer = up.getInputStream();
                int b;
                while ((b = fromServer.read()) >= 0) {
                    out.write(b);
                    out.flush();
                    Thread.sleep(20);
                }
            }
        })) {
            ConnectionOptions options = ConnectionOptions.builder().trustCertificates(TestCertificates.localhostPem())
                    .readTimeout(Duration.ofSeconds(5)).greetingTimeout(Duration.ofSeconds(1)).build();
            MailSession s = MailSession.builder(Protocol.SMTP, ServerEndpoint.of("localhost", relay.port(), Security.SSL_TLS))
                    .options(options).build();
            Throwable e = catchThrowable(s::connectTransport);
            assertThat(e).isInstanceOfSatisfying(DeadlineExceededException.class,
                    d -> assertThat(d.deadline()).isEqualTo(Deadline.GREETING)).isNotInstanceOf(TlsException.class);
        }
    }

    @Test
    void anImapReadTimeout_isReportedAsATimeout_notAsAConnectionTheServerClosed() throws Exception {
        try (StreamingServer server = imapServer("EXAMINE", (tag, out) -> Thread.sleep(60_000))) {
            MailSession s = imap(server.port(), plain().readTimeout(Duration.ofMillis(500)).build());
            Store store = s.connectStore();
            try {
                Folder inbox = store.getFolder("INBOX");
                Throwable e = catchThrowable(() -> inbox.open(Folder.READ_ONLY));
                assertThat(s.translate(e)).isInstanceOfSatisfying(ConnectionTimeoutException.class,
                                t -> assertThat(t.timeout()).contains(Duration.ofMillis(500)))
                        .isNotInstanceOf(DeadlineExceededException.class)
                        .hasMessageNotContaining("closed the connection");
            } finally {
                closeQuietly(store);
            }
        }
    }

    @Test
    void anImapReplyDeadline_isReportedAsSuch_whereAngusKeepsOnlyTheFailuresText() throws Exception {
        try (StreamingServer server = imapServer("EXAMINE", (tag, out) -> trickle(out, "* " + "x".repeat(10_000), TRICKLE))) {
            MailSession s = imap(server.port(), plain().replyTimeout(Duration.ofSeconds(1)).build());
            Store store = s.connectStore();
            try {
                Folder inbox = store.getFolder("INBOX");
                Throwable e = catchThrowable(() -> inbox.open(Folder.READ_ONLY));
                assertThat(s.translate(e)).isInstanceOfSatisfying(DeadlineExceededException.class, d -> {
                    assertThat(d.deadline()).isEqualTo(Deadline.REPLY);
                    assertThat(d.timeout()).contains(Duration.ofSeconds(1));
                });
            } finally {
                closeQuietly(store);
            }
        }
    }

    @Test
    void afterABoundFails_nothingMoreIsSentOrAwaited_soClosingDoesNotWaitOnTheServerAgain() throws Exception {
        List<String> received = new CopyOnWriteArrayList<>();
        try (StreamingServer server = new StreamingServer((in, out) -> {
            send(out, "220 ESMTP\r\n");
            String line;
            while ((line = readLine(in)) != null) {
                received.add(line);
                if (line.startsWith("EHLO")) {
                    send(out, "250-hi\r\n250 8BITMIME\r\n");
                } else if (line.equals("DATA")) {
                    send(out, "354 go\r\n");
                } else if (line.equals(".")) {
                    trickle(out, "250-" + "x".repeat(10_000), TRICKLE); // the final reply never ends
                } else if (line.startsWith("MAIL") || line.startsWith("RCPT")) {
                    send(out, "250 ok\r\n");
                } else if (line.startsWith("QUIT")) {
                    send(out, "221 bye\r\n");
                }
            }
        })) {
            MailSession s = smtp(server.port(), plain().replyTimeout(Duration.ofSeconds(1)).build());
            Transport t = s.connectTransport();
            MimeMessage m = new MimeMessage(s.session());
            m.setFrom(new InternetAddress("a@example.com"));
            m.setRecipients(Message.RecipientType.TO, "b@example.com");
            m.setText("hello");
            Throwable e = catchThrowable(() -> t.sendMessage(m, m.getAllRecipients()));
            closeQuietly(t);
            assertThat(s.translate(e)).isInstanceOfSatisfying(DeadlineExceededException.class,
                    d -> assertThat(d.deadline()).isEqualTo(Deadline.REPLY));
            assertThat(received).contains(".").doesNotContain("QUIT");
        }
    }

    @Test
    void boundsAreValidated() {
        ConnectionOptions d = ConnectionOptions.defaults();
        assertThat(d.maxReplyMemory(Protocol.IMAP)).isEqualTo(48L << 20);
        assertThat(d.maxReplyMemory(Protocol.SMTP)).isEqualTo(1L << 20);
        assertThat(d.greetingTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(d.loginTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(d.replyTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(d.idleTimeout()).isEqualTo(Duration.ofMinutes(30));
        ConnectionOptions set = ConnectionOptions.builder().maxReplyMemory(1 << 20).replyTimeout(Duration.ofSeconds(9)).build();
        assertThat(set.maxReplyMemory(Protocol.IMAP)).isEqualTo(1 << 20);
        assertThat(set.toBuilder().build().replyTimeout()).isEqualTo(Duration.ofSeconds(9));
        assertThat(catchThrowable(() -> ConnectionOptions.builder().maxReplyMemory(1000)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxReplyMemory");
        assertThat(catchThrowable(() -> ConnectionOptions.builder().idleTimeout(Duration.ZERO)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("idleTimeout");
    }

    private static void closeQuietly(jakarta.mail.Service service) {
        try {
            service.close();
        } catch (MessagingException ignored) {
            // the connection failed already
        }
    }
}
