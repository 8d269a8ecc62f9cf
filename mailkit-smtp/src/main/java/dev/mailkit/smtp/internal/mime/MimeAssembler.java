package dev.mailkit.smtp.internal.mime;

import jakarta.activation.DataHandler;
import jakarta.activation.DataSource;
import jakarta.mail.BodyPart;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimePart;
import jakarta.mail.internet.MimeUtility;
import jakarta.mail.internet.ParseException;
import jakarta.mail.util.LineOutputStream;
import jakarta.mail.util.StreamProvider;
import dev.mailkit.smtp.Attachment;
import dev.mailkit.smtp.Email;
import dev.mailkit.smtp.InvalidEmailException;
import dev.mailkit.smtp.internal.Rfc2047;
import dev.mailkit.smtp.internal.angus.AssembledMultipart;
import dev.mailkit.smtp.internal.angus.AssembledPart;
import dev.mailkit.smtp.internal.dkim.DkimSigner;
import org.eclipse.angus.mail.smtp.SMTPMessage;
import org.eclipse.angus.mail.util.CRLFOutputStream;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Assembles the MIME structure of an {@link Email}. */
public final class MimeAssembler {

    private static final String UTF8 = StandardCharsets.UTF_8.name();

    private MimeAssembler() {
    }

    /**
     * Whether header lines are written as UTF-8 (else each character's low byte), as Jakarta Mail's
     * MimeBodyPart decides it for the parts it writes: a system property read once, true unless "false".
     */
    private static final boolean ALLOW_UTF8_HEADERS = !"false".equalsIgnoreCase(System.getProperty("mail.mime.allowutf8"));

    /** Whether multipart and message parts drop a transfer encoding other than 7bit, 8bit and binary (idem). */
    private static final boolean IGNORE_MULTIPART_ENCODING =
            !"false".equalsIgnoreCase(System.getProperty("mail.mime.ignoremultipartencoding"));

    /**
     * A MimeMessage that keeps the Message-ID fixed by the Email instead of generating a new one, that
     * writes itself with its session's stream provider (see {@link #writeAssembled}), that may carry its own
     * envelope sender (an {@link SMTPMessage}), and that may be DKIM-signed as it is written.
     */
    private static final class FixedIdMessage extends SMTPMessage {
        private final String messageId;
        private boolean saved;
        private DkimSigner dkim;
        /** The signature line, made by the first write and written again by later ones (retries, Sent copy). */
        private byte[] signature;

        FixedIdMessage(Session session, String messageId) {
            super(session);
            this.messageId = messageId;
        }

        @Override
        protected void updateMessageID() throws MessagingException {
            setHeader("Message-ID", messageId);
        }

        @Override
        public void saveChanges() throws MessagingException {
            super.saveChanges();
            saved = true;
        }

        @Override
        public void writeTo(OutputStream os, String[] ignoreList) throws IOException, MessagingException {
            if (dkim == null) {
                writeUnsigned(os, ignoreList);
                return;
            }
            // Written once into a buffer, CRLF throughout as SMTP sends it; the signature covers those bytes.
            Buffer buffer = new Buffer();
            try (OutputStream crlf = new CRLFOutputStream(buffer)) {
                writeUnsigned(crlf, ignoreList);
            }
            buffer.endLine(); // SMTP ends the last line before its final dot: the hash must see that line end
            byte[] line;
            synchronized (this) {
                if (signature == null) {
                    signature = dkim.signatureLine(buffer.bytes(), buffer.size());
                }
                line = signature;
            }
            os.write(line);
            os.write(buffer.bytes(), 0, buffer.size());
        }

        private void writeUnsigned(OutputStream os, String[] ignoreList) throws IOException, MessagingException {
            if (modified && session != null) {
                if (!saved) {
                    saveChanges();
                }
                if (writeAssembled(this, os, ignoreList, session.getStreamProvider())) {
                    return;
                }
            }
            super.writeTo(os, ignoreList);
        }

        void writeWithJakartaMail(OutputStream os, String[] ignoreList) throws IOException, MessagingException {
            super.writeTo(os, ignoreList);
        }
    }

    /** A byte buffer whose array is read in place. */
    private static final class Buffer extends ByteArrayOutputStream {
        Buffer() {
            super(8192);
        }

        byte[] bytes() {
            return buf;
        }

        /** Ends the last line with CRLF unless it is ended. */
        void endLine() {
            if (count > 0 && !(count >= 2 && buf[count - 2] == '\r' && buf[count - 1] == '\n')) {
                write('\r');
                write('\n');
            }
        }
    }

    /**
     * Whether a message was assembled here: an {@link SMTPMessage} whose only option is its envelope sender.
     *
     * @param message a message
     * @return true for a message of {@link #toMimeMessage}
     */
    public static boolean isAssembled(jakarta.mail.Message message) {
        return message instanceof FixedIdMessage;
    }

    /**
     * Makes an assembled message DKIM-signed when it is written: the signature is made once, over the bytes
     * of the first write, and written before them; later writes (a retry, the Sent copy) write it again. The
     * fields it signs are the same in every write (Bcc, left out of sent copies, is never signed).
     *
     * @param assembled a message of {@link #toMimeMessage}
     * @param signer    the signer
     */
    public static void sign(MimeMessage assembled, DkimSigner signer) {
        ((FixedIdMessage) assembled).dkim = signer;
    }

    /**
     * The addresses of an email as Jakarta Mail addresses, as the email holds them.
     *
     * @param from    the sender
     * @param replyTo the reply-to addresses
     * @param to      the to recipients
     * @param cc      the cc recipients
     */
    public record Parties(InternetAddress from, List<InternetAddress> replyTo, List<InternetAddress> to,
                          List<InternetAddress> cc) {
    }

    /**
     * Writes an assembled message with Jakarta Mail's own writer: the reference {@link #writeAssembled} matches.
     *
     * @param assembled  a message of {@link #toMimeMessage}
     * @param out        where to write
     * @param ignoreList headers not to write, or null
     * @throws IOException        if writing fails
     * @throws MessagingException if Jakarta Mail fails
     */
    public static void writeWithJakartaMail(MimeMessage assembled, OutputStream out, String[] ignoreList)
            throws IOException, MessagingException {
        ((FixedIdMessage) assembled).writeWithJakartaMail(out, ignoreList);
    }

    /**
     * Assembles the Jakarta Mail message of an email.
     *
     * @param email   the email
     * @param parties its addresses
     * @param session the session whose properties govern encoding
     * @return a new message
     * @throws InvalidEmailException if the message cannot be assembled
     */
    public static MimeMessage toMimeMessage(Email email, Parties parties, Session session) {
        try {
            MimeMessage m = new FixedIdMessage(session, email.messageId());
            m.setFrom(parties.from());
            if (!parties.replyTo().isEmpty()) {
                m.setReplyTo(array(parties.replyTo()));
            }
            if (!parties.to().isEmpty()) {
                m.setRecipients(Message.RecipientType.TO, array(parties.to()));
            }
            if (!parties.cc().isEmpty()) {
                m.setRecipients(Message.RecipientType.CC, array(parties.cc()));
            }
            // setSubject(subject, "UTF-8"), without a ServiceLoader lookup per encoded word (see Rfc2047)
            m.setHeader("Subject", MimeUtility.fold(9, Rfc2047.encodeText(email.subject())));
            m.setSentDate(Date.from(email.date().orElseGet(Instant::now)));
            for (Map.Entry<String, String> h : email.headers().entrySet()) {
                m.setHeader(h.getKey(), MimeUtility.fold(h.getKey().length() + 2, Rfc2047.encodeText(h.getValue())));
            }
            if (email.attachments().isEmpty()) {
                fillBody(m, email);
            } else {
                MimeMultipart mixed = AssembledMultipart.create("mixed");
                if (email.text().isPresent() || email.html().isPresent()) {
                    MimeBodyPart body = AssembledPart.create();
                    fillBody(body, email);
                    mixed.addBodyPart(body);
                }
                for (Attachment a : email.attachments()) {
                    mixed.addBodyPart(filePart(a, Part.ATTACHMENT));
                }
                m.setContent(mixed);
            }
            email.envelopeFrom().ifPresent(((SMTPMessage) m)::setEnvelopeFrom);
            m.saveChanges();
            return m;
        } catch (MessagingException e) {
            throw new InvalidEmailException("cannot assemble " + email.messageId() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes a message as RFC 5322 bytes.
     *
     * @param m   the message
     * @param out where to write
     * @throws IOException if writing fails
     */
    public static void write(MimeMessage m, OutputStream out) throws IOException {
        try {
            m.writeTo(out);
        } catch (MessagingException e) {
            throw new IOException("cannot write message: " + e.getMessage(), e);
        }
    }

    /**
     * Writes a part whose content mailkit set (a text, an attachment, or a multipart it assembled) exactly as
     * Jakarta Mail's {@code MimeBodyPart.writeTo} does (header lines, a blank line, the content in its
     * transfer encoding; multipart content part by part, as {@code MimeMultipart.writeTo} does), but with the
     * session's stream provider. Jakarta Mail instead looks its provider up through {@code ServiceLoader} for
     * every part it writes and every encoder it opens (jakartaee/mail-api#861): two class-path scans per
     * message part, measured at over a third of the CPU time of a batch of small messages. Other content, for
     * example what a caller set on the message {@link Email#toMimeMessage()} returned, is left to Jakarta
     * Mail: then nothing is written and the result is false.
     */
    private static boolean writeAssembled(MimePart part, OutputStream os, String[] ignoreList, StreamProvider streams)
            throws IOException, MessagingException {
        DataHandler content = part.getDataHandler();
        DataSource source = content.getDataSource();
        AssembledMultipart multipart = null;
        if (!(source instanceof TextSource || source instanceof AttachmentSource)) {
            // An object set as content has no name, and getContent() returns it without reading anything.
            if (content.getName() != null || !part.isMimeType("multipart/*")
                    || !(content.getContent() instanceof AssembledMultipart m)
                    || m.getPreamble() != null || m.getCount() == 0) {
                return false;
            }
            multipart = m;
        }
        LineOutputStream los = os instanceof LineOutputStream l ? l : streams.outputLineStream(os, ALLOW_UTF8_HEADERS);
        Enumeration<String> lines = part.getNonMatchingHeaderLines(ignoreList);
        while (lines.hasMoreElements()) {
            los.writeln(lines.nextElement());
        }
        los.writeln();
        OutputStream encoded = encoder(os, transferEncoding(part), streams);
        if (multipart == null) {
            content.writeTo(encoded);
        } else {
            writeMultipart(multipart, encoded, streams);
        }
        encoded.flush();
        return true;
    }

    private static void writeMultipart(MimeMultipart multipart, OutputStream os, StreamProvider streams)
            throws IOException, MessagingException {
        String boundary = "--" + new ContentType(multipart.getContentType()).getParameter("boundary");
        LineOutputStream los = streams.outputLineStream(os, false);
        for (int i = 0; i < multipart.getCount(); i++) {
            los.writeln(boundary);
            BodyPart p = multipart.getBodyPart(i);
            if (!(p instanceof AssembledPart || p.getClass() == MimeBodyPart.class)
                    || !writeAssembled((MimeBodyPart) p, os, null, streams)) {
                p.writeTo(os); // a part of a caller's own kind or content: Jakarta Mail writes it
            }
            los.writeln();
        }
        los.writeln(boundary + "--");
    }

    /** The part's transfer encoding, none for multipart and message content unless 7bit, 8bit or binary. */
    private static String transferEncoding(MimePart part) throws MessagingException {
        String encoding = part.getEncoding();
        if (!IGNORE_MULTIPART_ENCODING || encoding == null || encoding.equalsIgnoreCase("7bit")
                || encoding.equalsIgnoreCase("8bit") || encoding.equalsIgnoreCase("binary")) {
            return encoding;
        }
        String type = part.getContentType();
        if (type == null) {
            return encoding;
        }
        try {
            ContentType ct = new ContentType(type);
            if (ct.match("multipart/*") || ct.match("message/*")
                    && !Boolean.parseBoolean(System.getProperty("mail.mime.allowencodedmessages"))) {
                return null;
            }
        } catch (ParseException e) {
            // an unparsable type keeps its encoding, as in Jakarta Mail
        }
        return encoding;
    }

    private static OutputStream encoder(OutputStream os, String encoding, StreamProvider streams)
            throws MessagingException {
        if (encoding == null) {
            return os;
        }
        return switch (encoding.toLowerCase(Locale.ROOT)) {
            case "base64" -> new Base64LineStream(os); // the bytes of streams.outputBase64(os), encoded faster
            case "quoted-printable" -> streams.outputQP(os);
            case "uuencode", "x-uuencode", "x-uue" -> streams.outputUU(os, null);
            case "binary", "7bit", "8bit" -> streams.outputBinary(os);
            default -> throw new MessagingException("Unknown encoding: " + encoding);
        };
    }

    private static void fillBody(MimePart target, Email email) throws MessagingException {
        if (email.text().isPresent() && email.html().isPresent()) {
            MimeMultipart alternative = AssembledMultipart.create("alternative");
            MimeBodyPart plain = AssembledPart.create();
            setText(plain, email.text().get(), "plain");
            alternative.addBodyPart(plain);
            MimeBodyPart html = AssembledPart.create();
            fillHtml(html, email);
            alternative.addBodyPart(html);
            target.setContent(alternative);
        } else if (email.html().isPresent()) {
            fillHtml(target, email);
        } else if (email.text().isPresent()) {
            setText(target, email.text().get(), "plain");
        }
    }

    private static void fillHtml(MimePart target, Email email) throws MessagingException {
        if (email.inlines().isEmpty()) {
            setText(target, email.html().orElseThrow(), "html");
            return;
        }
        MimeMultipart related = AssembledMultipart.create("related");
        MimeBodyPart html = AssembledPart.create();
        setText(html, email.html().orElseThrow(), "html");
        related.addBodyPart(html);
        for (Attachment a : email.inlines()) {
            related.addBodyPart(filePart(a, Part.INLINE));
        }
        target.setContent(related);
    }

    /**
     * What {@code setText(text, "UTF-8", subtype)} does, with the text handed to Jakarta Mail as UTF-8 bytes:
     * the same headers and content, without Jakarta Mail's text handler opening a character encoder (and its
     * buffers) each time it measures and each time it writes the text.
     */
    private static void setText(MimePart target, String text, String subtype) throws MessagingException {
        target.setDataHandler(new DataHandler(new TextSource(text, "text/" + subtype + "; charset=" + UTF8)));
    }

    private static MimeBodyPart filePart(Attachment a, String disposition) throws MessagingException {
        MimeBodyPart p = AssembledPart.create();
        p.setDataHandler(new DataHandler(new AttachmentSource(a)));
        p.setDisposition(disposition);
        p.setFileName(Rfc2047.encodeText(a.fileName()));
        if (a.contentId().isPresent()) {
            p.setContentID("<" + a.contentId().get() + ">");
        }
        return p;
    }

    private static InternetAddress[] array(List<InternetAddress> list) {
        return list.toArray(new InternetAddress[0]);
    }

    /** A text as UTF-8, encoded each time it is read (so the message holds it once, as a string). */
    private record TextSource(String text, String contentType) implements DataSource {
        @Override
        public InputStream getInputStream() {
            return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public OutputStream getOutputStream() throws IOException {
            throw new IOException("message text is read-only");
        }

        @Override
        public String getContentType() {
            return contentType;
        }

        @Override
        public String getName() {
            return null;
        }
    }

    /** Streams an attachment's content each time the message is written. */
    private static final class AttachmentSource implements DataSource {
        private final Attachment attachment;

        AttachmentSource(Attachment attachment) {
            this.attachment = attachment;
        }

        @Override
        public InputStream getInputStream() throws IOException {
            return attachment.content().open();
        }

        @Override
        public OutputStream getOutputStream() throws IOException {
            throw new IOException("attachment content is read-only");
        }

        @Override
        public String getContentType() {
            return attachment.contentType();
        }

        @Override
        public String getName() {
            return attachment.fileName();
        }
    }
}
