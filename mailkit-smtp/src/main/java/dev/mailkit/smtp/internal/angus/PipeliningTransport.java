package dev.mailkit.smtp.internal.angus;

import jakarta.mail.Address;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.URLName;
import jakarta.mail.event.TransportEvent;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import dev.mailkit.core.internal.Closing;
import dev.mailkit.smtp.internal.mime.MimeAssembler;
import dev.mailkit.core.internal.angus.Cork;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPMessage;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Angus Mail's SMTP transport with RFC 2920 command pipelining: when the server offers {@code PIPELINING},
 * {@code MAIL FROM}, every {@code RCPT TO} and {@code DATA} go out together and their replies are read
 * afterwards, so a message costs two round trips (commands, then content) instead of three plus one per
 * recipient. Servers without the extension, and options this class does not handle itself (DSN, 8BITMIME
 * conversion, envelope extensions, group addresses), take Angus's own path unchanged.
 *
 * <p>A caller that knows which message comes next on the connection can {@linkplain #announceNext announce
 * it}: its {@code MAIL}, {@code RCPT} and {@code DATA} then leave together with this message's final
 * {@code .} (RFC 2920 allows message content to open a group), so that in a stream of messages each costs
 * one round trip. Until that next message is sent the server is reading message content: the connection
 * must then be used for exactly that message, or closed, which drops it without {@code QUIT} so that
 * nothing can be taken for content.
 *
 * <p>Sessions use it through {@link #install(Session)}. Reply handling follows Angus's, so refused
 * recipients, partial sends and failures surface as the same exceptions.
 */
public class PipeliningTransport extends SMTPTransport {

    private static final String[] NOT_SENT_HEADERS = {"Bcc", "Content-Length"};

    private static final Logger LOG = LoggerFactory.getLogger(PipeliningTransport.class);

    /**
     * Angus's buffered output to the server, which its {@code data()} wraps in its own content stream. Message
     * content is written to it through a {@link DataContentStream} instead (the same bytes, at a third of the
     * CPU cost). Null where Angus's package is not open to mailkit (on the module path): then Angus's stream
     * is used.
     */
    private static final VarHandle SERVER_OUTPUT = serverOutputHandle();

    /** The content stream of this connection, made on first use. */
    private DataContentStream content;

    /** The content stream returned by the last {@link #data()}, until {@link #finishData()}. */
    private DataContentStream open;

    /** The reply to a DATA already sent in the pipeline, handed to Angus's {@code data()} instead of a new DATA. */
    private int pipelinedDataReply = -1;

    /** Set when a read found the connection closed (Angus's reply code -1). */
    private boolean connectionLost;

    /** False once a pipeline could not be sent as one segment. */
    private boolean corkable = true;

    /** A message with its envelope: recipients and the MAIL FROM address. */
    private record Envelope(MimeMessage message, Address[] recipients, String from) {
    }

    /** The message announced to follow the one being sent (see {@link #announceNext}). */
    private Envelope next;

    /** A message whose MAIL, RCPT and DATA went out with the previous message's final dot; replies unread. */
    private Envelope ahead;

    /** True while the pipelined path of {@link #sendMessage} writes content and its final dot. */
    private boolean sendingContent;

    /** True while the server may be reading message content: then QUIT (or NOOP) would be taken as content. */
    private boolean inData;

    /** True while {@link #close()} drops the connection: Angus's QUIT must not be sent. */
    private boolean dropping;

    /**
     * Called by Jakarta Mail's {@link Session} for the {@code smtp} protocol.
     *
     * @param session the session
     * @param urlname the URL name
     */
    public PipeliningTransport(Session session, URLName urlname) {
        super(session, urlname, "smtp", false);
    }

    /**
     * Makes {@code session} create this transport for {@code smtp}.
     *
     * @param session the session
     */
    public static void install(Session session) {
        try {
            session.setProvider(new jakarta.mail.Provider(jakarta.mail.Provider.Type.TRANSPORT, "smtp",
                    PipeliningTransport.class.getName(), "mailkit", "1"));
        } catch (jakarta.mail.NoSuchProviderException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Announces the message that the next {@link #sendMessage} call on this connection will send, so that
     * its commands can leave together with the final dot of the message sent now. Only messages this
     * class can pipeline are taken; the announcement lasts for one {@code sendMessage} call.
     *
     * @param message   the next message, or null for none
     * @param addresses its envelope recipients
     */
    public synchronized void announceNext(MimeMessage message, Address[] addresses) {
        next = null;
        if (message == null || !corkable || !canPipeline(message, addresses)) {
            return;
        }
        String from;
        try {
            from = envelopeFrom(message);
        } catch (MessagingException e) {
            return; // sent on its own, where the problem is reported
        }
        if (from != null) {
            next = new Envelope(message, addresses.clone(), from);
        }
    }

    /**
     * Whether the commands of an announced message already went out on this connection: then the next
     * {@code sendMessage} must send exactly that message (or the connection be closed).
     *
     * @return true while such a message waits
     */
    public synchronized boolean hasPipelinedNext() {
        return ahead != null;
    }

    @Override
    public synchronized void sendMessage(Message message, Address[] addresses) throws MessagingException {
        try {
            sendPipelined(message, addresses);
        } finally {
            next = null;
        }
    }

    private void sendPipelined(Message message, Address[] addresses) throws MessagingException {
        Envelope preSent = ahead;
        if (preSent != null && (preSent.message() != message || !Arrays.equals(preSent.recipients(), addresses))) {
            closeQuietly(); // the server waits for another message's content
            throw new MessagingException("the connection was waiting for the content of another message and was "
                    + "closed", new java.io.EOFException("connection dropped"));
        }
        ahead = null;
        String from = preSent != null ? preSent.from()
                : canPipeline(message, addresses) ? envelopeFrom((MimeMessage) message) : null;
        if (from == null) {
            super.sendMessage(message, addresses);
            return;
        }
        checkConnected();
        MimeMessage mime = (MimeMessage) message;
        boolean sendPartial = Boolean.parseBoolean(session.getProperty("mail.smtp.sendpartial"));
        if (preSent == null) {
            sendFlight(false, from, addresses);
        }

        int mailReply = readServerResponse();
        String mailResponse = getLastServerResponse();
        List<InternetAddress> valid = new ArrayList<>();
        List<InternetAddress> validUnsent = new ArrayList<>();
        List<InternetAddress> invalid = new ArrayList<>();
        MessagingException chain = null;
        for (Address a : addresses) {
            InternetAddress ia = (InternetAddress) a;
            int rc = readServerResponse();
            if (rc / 100 == 2) {
                valid.add(ia);
                continue;
            }
            if (rc == -1) {
                throw closed("RCPT TO");
            }
            if (rc / 100 == 4 || rc == 552) {
                validUnsent.add(ia);
            } else {
                invalid.add(ia);
            }
            SMTPAddressFailedException f = new SMTPAddressFailedException(ia, "RCPT TO:" + angle(ia.getAddress()), rc,
                    getLastServerResponse());
            if (chain == null) {
                chain = f;
            } else {
                chain.setNextException(f);
            }
        }
        int dataReply = readServerResponse();
        inData = dataReply == 354;
        if (mailReply == -1 || dataReply == -1) {
            throw closed(mailReply == -1 ? "MAIL FROM" : "DATA");
        }
        if (mailReply / 100 != 2) {
            abort(dataReply);
            throw new SMTPSendFailedException("MAIL FROM:" + angle(from), mailReply, mailResponse, null, null,
                    addresses, null);
        }
        boolean refused = !invalid.isEmpty() || !validUnsent.isEmpty();
        if (valid.isEmpty() || refused && !sendPartial) {
            abort(dataReply);
            List<Address> unsent = new ArrayList<>(valid);
            unsent.addAll(validUnsent);
            notifyTransportListeners(TransportEvent.MESSAGE_NOT_DELIVERED, new Address[0],
                    unsent.toArray(new Address[0]), invalid.toArray(new Address[0]), mime);
            throw new SendFailedException("Invalid Addresses", chain, new Address[0],
                    unsent.toArray(new Address[0]), invalid.toArray(new Address[0]));
        }
        if (dataReply != 354) {
            String response = getLastServerResponse();
            abort(dataReply);
            throw new SMTPSendFailedException("DATA", dataReply, response, null, null, addresses, null);
        }
        pipelinedDataReply = dataReply;
        sendingContent = true;
        try {
            OutputStream out = data(); // Angus's DATA stream, without sending DATA again (see sendCommand)
            mime.writeTo(out, NOT_SENT_HEADERS);
            finishData(); // the final dot, with the announced message's commands (see sendCommand)
        } catch (IOException e) {
            closeQuietly();
            throw new MessagingException("IOException while sending message", e);
        } finally {
            pipelinedDataReply = -1;
            sendingContent = false;
        }
        Address[] sent = valid.toArray(new Address[0]);
        if (refused) {
            notifyTransportListeners(TransportEvent.MESSAGE_PARTIALLY_DELIVERED, sent,
                    validUnsent.toArray(new Address[0]), invalid.toArray(new Address[0]), mime);
            throw new SMTPSendFailedException(".", getLastReturnCode(), getLastServerResponse(), chain, sent,
                    validUnsent.toArray(new Address[0]), invalid.toArray(new Address[0]));
        }
        notifyTransportListeners(TransportEvent.MESSAGE_DELIVERED, sent, new Address[0], new Address[0], mime);
    }

    private static VarHandle serverOutputHandle() {
        try {
            return MethodHandles.privateLookupIn(SMTPTransport.class, MethodHandles.lookup())
                    .findVarHandle(SMTPTransport.class, "serverOutput", OutputStream.class);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.debug("message content goes through Angus Mail's SMTPOutputStream ({}); on the module path, --add-opens "
                    + "org.eclipse.angus.mail/org.eclipse.angus.mail.smtp=dev.mailkit.smtp lets mailkit write it with less CPU",
                    e.toString());
            return null;
        }
    }

    /** Whether message content is written through {@link DataContentStream} (package-private for tests). */
    static boolean usesDataContentStream() {
        return SERVER_OUTPUT != null;
    }

    /**
     * Sends DATA as Angus does (or nothing, when the pipeline sent it), and returns the stream for the content:
     * a {@link DataContentStream} over Angus's buffered output where it can be reached, else Angus's own.
     */
    @Override
    protected OutputStream data() throws MessagingException {
        OutputStream angus = super.data();
        Object serverOutput = SERVER_OUTPUT == null ? null : SERVER_OUTPUT.get((SMTPTransport) this);
        if (!(serverOutput instanceof OutputStream server)) {
            return angus;
        }
        if (content == null) {
            content = new DataContentStream();
        }
        open = content.open(server);
        return open;
    }

    /** Writes what is left of the content, then the final dot as Angus does. */
    @Override
    protected void finishData() throws IOException, MessagingException {
        DataContentStream finishing = open;
        open = null;
        if (finishing != null) {
            finishing.finish(); // ends the last line; Angus's own stream, untouched, is at a line's beginning
        }
        super.finishData();
    }

    /**
     * Inside {@link #sendMessage}, Angus's {@code data()} must not send a second DATA (the pipeline sent it),
     * and its final dot takes the announced message's commands along.
     */
    @Override
    protected void sendCommand(String cmd) throws MessagingException {
        if (dropping) {
            throw new MessagingException("not sent: the connection is being dropped");
        }
        if (pipelinedDataReply >= 0 && "DATA".equals(cmd)) {
            return;
        }
        if (sendingContent && next != null && ".".equals(cmd)) {
            sendDotAndNext();
            return;
        }
        super.sendCommand(cmd);
        if (".".equals(cmd)) {
            inData = false;
        }
    }

    /** The final dot, then the announced message's MAIL, RCPT... and DATA, in one flight. */
    private void sendDotAndNext() throws MessagingException {
        // Recorded before anything is written: if writing fails, the connection is dropped, never reused.
        ahead = next;
        next = null;
        sendFlight(true, ahead.from(), ahead.recipients());
    }

    /**
     * One flight: (the final dot of the message before,) MAIL, every RCPT and DATA, in one TCP segment where
     * the socket can be corked (plain and STARTTLS connections); a server reading them one by one might
     * answer in pieces and stall. Afterwards the server may be reading message content.
     */
    private void sendFlight(boolean dot, String from, Address[] recipients) throws MessagingException {
        Cork.begin();
        long held;
        try {
            if (dot) {
                super.sendCommand(".");
            }
            super.sendCommand("MAIL FROM:" + angle(from));
            for (Address a : recipients) {
                super.sendCommand("RCPT TO:" + angle(((InternetAddress) a).getAddress()));
            }
        } finally {
            held = Cork.end();
        }
        inData = true;
        super.sendCommand("DATA");
        if (held == 0) {
            corkable = false; // implicit TLS: commands leave one by one, so later messages take the lock-step path
        }
    }

    /**
     * Closes the connection; while the server may be reading message content it is dropped without
     * {@code QUIT}, which would be taken as content: the unfinished message is then discarded by the server.
     */
    @Override
    public synchronized void close() throws MessagingException {
        ahead = null;
        if (!inData) {
            super.close();
            return;
        }
        inData = false;
        dropping = true;
        try {
            super.close(); // its QUIT fails (see sendCommand); it then closes the socket
        } catch (MessagingException expected) {
            // the refused QUIT
        } finally {
            dropping = false;
        }
    }

    /** While the server reads content a NOOP would become part of it: the connection is then taken as open. */
    @Override
    public synchronized boolean isConnected() {
        if (!inData) {
            return super.isConnected();
        }
        try {
            checkConnected();
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    @Override
    protected int readServerResponse() throws MessagingException {
        if (pipelinedDataReply >= 0) {
            int reply = pipelinedDataReply;
            pipelinedDataReply = -1; // the reply to the pipelined DATA, read already; later replies are real
            return reply;
        }
        if (connectionLost) {
            // After an end of stream or a garbled reply (which makes Angus close the connection), every
            // further reply of the pipeline is missing too; reading on would fail on the closed stream.
            return -1;
        }
        int reply = super.readServerResponse();
        if (reply == -1) {
            connectionLost = true;
        }
        return reply;
    }

    /**
     * A connection lost while greeting or logging in must not pass for a refused login or a bad server
     * (which are final): Angus reports a greeting cut short as a bad greeting, a login whose reply never
     * came, and an EHLO reply cut off before its AUTH line ("No authentication mechanisms supported"), as
     * authentication failures. The first two are reported as the lost connection they are; the third is
     * checked once on a fresh connection before it counts.
     */
    @Override
    protected synchronized boolean protocolConnect(String host, int port, String user, String password)
            throws MessagingException {
        connectionLost = false;
        inData = false;
        ahead = null;
        try {
            return super.protocolConnect(host, port, user, password);
        } catch (MessagingException e) {
            if (connectionLost) {
                closeQuietly();
                throw new MessagingException("the connection was lost while connecting or logging in ("
                        + String.valueOf(e.getMessage()).strip() + ")", new java.io.EOFException("no complete reply from the server"));
            }
            if (e instanceof jakarta.mail.AuthenticationFailedException
                    && String.valueOf(e.getMessage()).startsWith("No authentication mechanisms supported")) {
                closeQuietly();
                connectionLost = false;
                return super.protocolConnect(host, port, user, password);
            }
            throw e;
        }
    }

    private boolean canPipeline(Message message, Address[] addresses) {
        if (!corkable || !supportsExtension("PIPELINING") || !(message instanceof MimeMessage)
                || message instanceof SMTPMessage && !MimeAssembler.isAssembled(message) // per-message options
                || addresses == null || addresses.length == 0) {
            return false;
        }
        for (String option : new String[] {"dsn.notify", "dsn.ret", "submitter", "mailextension", "allow8bitmime",
                "allowutf8", "chunksize", "reportsuccess"}) {
            if (session.getProperty("mail.smtp." + option) != null) {
                return false;
            }
        }
        for (Address a : addresses) {
            if (!(a instanceof InternetAddress ia) || ia.isGroup()) {
                return false;
            }
        }
        return true;
    }

    private String envelopeFrom(MimeMessage message) throws MessagingException {
        if (message instanceof org.eclipse.angus.mail.smtp.SMTPMessage m && m.getEnvelopeFrom() != null) {
            return m.getEnvelopeFrom(); // the message's own envelope sender (Email.Builder.envelopeFrom)
        }
        String from = session.getProperty("mail.smtp.from");
        if (from != null && !from.isEmpty()) {
            return from;
        }
        Address[] fa = message.getFrom();
        return fa != null && fa.length > 0 && fa[0] instanceof InternetAddress ia ? ia.getAddress() : null;
    }

    private static String angle(String address) {
        return address.startsWith("<") ? address : "<" + address + ">";
    }

    /** Ends a transaction that must not deliver: RSET after a refused DATA, or drop the connection after a 354. */
    private void abort(int dataReply) {
        if (dataReply == 354) {
            // The server waits for content that must not be sent; only closing the connection aborts safely.
            closeQuietly();
            return;
        }
        try {
            issueCommand("RSET", 250);
        } catch (MessagingException e) {
            closeQuietly();
        }
    }

    private MessagingException closed(String command) {
        closeQuietly();
        return new MessagingException("the SMTP server closed the connection after " + command,
                new IOException("connection closed by the server"));
    }

    /** Closes a broken connection; its own failure is logged, never thrown over the failure being reported. */
    private void closeQuietly() {
        Closing.quietly(this::close, LOG, "a broken SMTP connection");
    }
}
