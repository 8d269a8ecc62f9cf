package dev.mailkit.smtp;

import jakarta.activation.DataHandler;
import jakarta.activation.DataSource;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimePart;
import jakarta.mail.internet.MimeUtility;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;

/** Assembles the MIME structure of an {@link Email}. */
final class MimeAssembler {

    private static final String UTF8 = StandardCharsets.UTF_8.name();

    private MimeAssembler() {
    }

    /** A MimeMessage that keeps the Message-ID fixed by the Email instead of generating a new one. */
    private static final class FixedIdMessage extends MimeMessage {
        private final String messageId;

        FixedIdMessage(Session session, String messageId) {
            super(session);
            this.messageId = messageId;
        }

        @Override
        protected void updateMessageID() throws MessagingException {
            setHeader("Message-ID", messageId);
        }
    }

    static MimeMessage toMimeMessage(Email email, Session session) {
        try {
            MimeMessage m = new FixedIdMessage(session, email.messageId());
            m.setFrom(email.fromInternetAddress());
            if (!email.replyToAddresses().isEmpty()) {
                m.setReplyTo(array(email.replyToAddresses()));
            }
            if (!email.toAddresses().isEmpty()) {
                m.setRecipients(Message.RecipientType.TO, array(email.toAddresses()));
            }
            if (!email.ccAddresses().isEmpty()) {
                m.setRecipients(Message.RecipientType.CC, array(email.ccAddresses()));
            }
            m.setSubject(email.subject(), UTF8);
            m.setSentDate(Date.from(email.date().orElseGet(Instant::now)));
            for (Map.Entry<String, String> h : email.headers().entrySet()) {
                m.setHeader(h.getKey(), MimeUtility.fold(h.getKey().length() + 2,
                        MimeUtility.encodeText(h.getValue(), UTF8, null)));
            }
            if (email.attachments().isEmpty()) {
                fillBody(m, email);
            } else {
                MimeMultipart mixed = new MimeMultipart("mixed");
                if (email.text().isPresent() || email.html().isPresent()) {
                    MimeBodyPart body = new MimeBodyPart();
                    fillBody(body, email);
                    mixed.addBodyPart(body);
                }
                for (Attachment a : email.attachments()) {
                    mixed.addBodyPart(filePart(a, Part.ATTACHMENT));
                }
                m.setContent(mixed);
            }
            m.saveChanges();
            return m;
        } catch (MessagingException | UnsupportedEncodingException e) {
            throw new InvalidEmailException("cannot assemble " + email.messageId() + ": " + e.getMessage(), e);
        }
    }

    static void write(MimeMessage m, OutputStream out) throws IOException {
        try {
            m.writeTo(out);
        } catch (MessagingException e) {
            throw new IOException("cannot write message: " + e.getMessage(), e);
        }
    }

    private static void fillBody(MimePart target, Email email) throws MessagingException {
        if (email.text().isPresent() && email.html().isPresent()) {
            MimeMultipart alternative = new MimeMultipart("alternative");
            MimeBodyPart plain = new MimeBodyPart();
            plain.setText(email.text().get(), UTF8, "plain");
            alternative.addBodyPart(plain);
            MimeBodyPart html = new MimeBodyPart();
            fillHtml(html, email);
            alternative.addBodyPart(html);
            target.setContent(alternative);
        } else if (email.html().isPresent()) {
            fillHtml(target, email);
        } else if (email.text().isPresent()) {
            target.setText(email.text().get(), UTF8, "plain");
        }
    }

    private static void fillHtml(MimePart target, Email email) throws MessagingException {
        if (email.inlines().isEmpty()) {
            target.setText(email.html().orElseThrow(), UTF8, "html");
            return;
        }
        MimeMultipart related = new MimeMultipart("related");
        MimeBodyPart html = new MimeBodyPart();
        html.setText(email.html().orElseThrow(), UTF8, "html");
        related.addBodyPart(html);
        for (Attachment a : email.inlines()) {
            related.addBodyPart(filePart(a, Part.INLINE));
        }
        target.setContent(related);
    }

    private static MimeBodyPart filePart(Attachment a, String disposition) throws MessagingException {
        MimeBodyPart p = new MimeBodyPart();
        p.setDataHandler(new DataHandler(new AttachmentSource(a)));
        p.setDisposition(disposition);
        try {
            p.setFileName(MimeUtility.encodeText(a.fileName(), UTF8, null));
        } catch (UnsupportedEncodingException e) {
            throw new MessagingException("cannot encode file name " + a.fileName(), e);
        }
        if (a.contentId().isPresent()) {
            p.setContentID("<" + a.contentId().get() + ">");
        }
        return p;
    }

    private static InternetAddress[] array(List<InternetAddress> list) {
        return list.toArray(new InternetAddress[0]);
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
