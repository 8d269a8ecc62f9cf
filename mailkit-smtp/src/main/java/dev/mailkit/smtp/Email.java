package dev.mailkit.smtp;

import dev.mailkit.smtp.internal.Addresses;
import dev.mailkit.smtp.internal.mime.MimeAssembler;

import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;

/**
 * An e-mail message to send: sender, recipients, subject, plain and/or HTML body, attachments, inline
 * images and extra headers. Immutable and thread-safe; build one with {@link #builder()}.
 *
 * <p>Addresses are validated when added (RFC 5322; international domain names are converted to
 * their ASCII form); any CR or LF in a header value is refused, so no header can be injected. The
 * body becomes {@code text/plain}, {@code text/html}, or {@code multipart/alternative} when both are
 * given; inline parts wrap the HTML in {@code multipart/related}; attachments wrap everything in
 * {@code multipart/mixed}. All text is UTF-8. A Message-ID is fixed when the email is built, so a
 * retried send carries the same id.
 *
 * <pre>{@code
 * Email email = Email.builder()
 *         .from("Me <me@example.com>").to("you@example.com")
 *         .subject("季度报告 Q3").text("plain body").html("<p>html body <img src='cid:logo'></p>")
 *         .attach(Path.of("report.pdf")).inline("logo", logoBytes, "image/png")
 *         .header("X-Campaign", "q3")
 *         .build();
 * }</pre>
 */
public final class Email {

    private static final Set<String> RESERVED = Set.of("from", "to", "cc", "bcc", "reply-to", "subject", "date",
            "message-id", "mime-version", "content-type", "content-transfer-encoding", "content-id",
            "content-disposition");

    private final InternetAddress from;
    private final List<InternetAddress> replyTo;
    private final List<InternetAddress> to;
    private final List<InternetAddress> cc;
    private final List<InternetAddress> bcc;
    private final String subject;
    private final String text;
    private final String html;
    private final List<Attachment> attachments;
    private final List<Attachment> inlines;
    private final Map<String, String> headers;
    private final String messageId;
    private final Instant date;
    private final InternetAddress envelopeFrom;

    private Email(Builder b) {
        this.from = b.from;
        this.replyTo = List.copyOf(b.replyTo);
        this.to = List.copyOf(b.to);
        this.cc = List.copyOf(b.cc);
        this.bcc = List.copyOf(b.bcc);
        this.subject = b.subject;
        this.text = b.text;
        this.html = b.html;
        this.attachments = List.copyOf(b.attachments);
        this.inlines = List.copyOf(b.inlines);
        this.headers = Collections.unmodifiableMap(new LinkedHashMap<>(b.headers));
        this.messageId = b.messageId != null ? b.messageId
                : "<" + UUID.randomUUID() + "@" + from.getAddress().substring(from.getAddress().lastIndexOf('@') + 1) + ">";
        this.date = b.date;
        this.envelopeFrom = b.envelopeFrom;
    }

    /**
     * A new, empty builder.
     *
     * @return a new, empty builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder with this email's content; {@link Builder#build()} gives the copy a new Message-ID unless one is set.
     *
     * @return a new builder with this email's content
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.from = from;
        b.replyTo.addAll(replyTo);
        b.to.addAll(to);
        b.cc.addAll(cc);
        b.bcc.addAll(bcc);
        b.subject = subject;
        b.text = text;
        b.html = html;
        b.attachments.addAll(attachments);
        b.inlines.addAll(inlines);
        b.headers.putAll(headers);
        b.date = date;
        b.envelopeFrom = envelopeFrom;
        return b;
    }

    /**
     * The sender, as {@code Name <address>} or a bare address.
     *
     * @return the sender
     */
    public String from() {
        return Addresses.display(from);
    }

    /**
     * The sender's bare address, the SMTP envelope sender unless {@link #envelopeFrom()} is set.
     *
     * @return the sender's bare address
     */
    public String fromAddress() {
        return from.getAddress();
    }

    /**
     * The envelope sender ({@code MAIL FROM}, where bounces go) when it is not the From address.
     *
     * @return the envelope sender's bare address, or empty for the From address
     */
    public Optional<String> envelopeFrom() {
        return Optional.ofNullable(envelopeFrom).map(InternetAddress::getAddress);
    }

    /**
     * Reply-To addresses.
     *
     * @return the Reply-To addresses, possibly empty
     */
    public List<String> replyTo() {
        return Addresses.display(replyTo);
    }

    /**
     * To recipients.
     *
     * @return the To recipients, possibly empty
     */
    public List<String> to() {
        return Addresses.display(to);
    }

    /**
     * Cc recipients.
     *
     * @return the Cc recipients, possibly empty
     */
    public List<String> cc() {
        return Addresses.display(cc);
    }

    /**
     * Bcc recipients: receive the message, never appear in its headers.
     *
     * @return the Bcc recipients, possibly empty
     */
    public List<String> bcc() {
        return Addresses.display(bcc);
    }

    /**
     * Every envelope recipient's bare address (to, cc and bcc), each once, in that order.
     *
     * @return the envelope recipients' bare addresses
     */
    public List<String> recipients() {
        List<String> out = new ArrayList<>();
        for (List<InternetAddress> list : List.of(to, cc, bcc)) {
            for (InternetAddress a : list) {
                if (!out.contains(a.getAddress())) {
                    out.add(a.getAddress());
                }
            }
        }
        return out;
    }

    /**
     * The subject (may be empty).
     *
     * @return the subject, possibly empty
     */
    public String subject() {
        return subject;
    }

    /**
     * The plain-text body, if any.
     *
     * @return the plain-text body, or empty when there is none
     */
    public Optional<String> text() {
        return Optional.ofNullable(text);
    }

    /**
     * The HTML body, if any.
     *
     * @return the HTML body, or empty when there is none
     */
    public Optional<String> html() {
        return Optional.ofNullable(html);
    }

    /**
     * Attachments, in order.
     *
     * @return the attachments, possibly empty
     */
    public List<Attachment> attachments() {
        return attachments;
    }

    /**
     * Inline parts referenced from the HTML body, in order.
     *
     * @return the inline parts, possibly empty
     */
    public List<Attachment> inlines() {
        return inlines;
    }

    /**
     * Extra headers, in order.
     *
     * @return the extra headers by name, possibly empty
     */
    public Map<String, String> headers() {
        return headers;
    }

    /**
     * The Message-ID, with angle brackets; fixed when the email was built.
     *
     * @return the Message-ID
     */
    public String messageId() {
        return messageId;
    }

    /**
     * The Date header, if fixed; otherwise the time the message is written.
     *
     * @return the Date header, or empty when the time of writing is used
     */
    public Optional<Instant> date() {
        return Optional.ofNullable(date);
    }

    /**
     * Builds the Jakarta Mail message for this email.
     *
     * @param session the session whose properties govern encoding (any session will do)
     * @return a new message
     * @throws InvalidEmailException if the message cannot be assembled
     */
    public MimeMessage toMimeMessage(Session session) {
        return MimeAssembler.toMimeMessage(this, new MimeAssembler.Parties(from, replyTo, to, cc), session);
    }

    /**
     * Builds the Jakarta Mail message with a default session.
     *
     * @return the message, not yet sent
     */
    public MimeMessage toMimeMessage() {
        return toMimeMessage(Session.getInstance(new Properties()));
    }

    /**
     * Writes the message as RFC 5322 bytes (CRLF line endings); Bcc is not written.
     *
     * @param out where to write
     * @throws IOException if writing or reading an attachment fails
     */
    public void writeTo(OutputStream out) throws IOException {
        MimeAssembler.write(toMimeMessage(), out);
    }

    /** A summary without bodies: Message-ID, sender, recipient counts and subject. */
    @Override
    public String toString() {
        return "Email[" + messageId + " from " + from.getAddress() + " to " + recipients().size()
                + " recipient(s), subject=\"" + subject + "\", attachments=" + attachments.size() + "]";
    }

    /** Mutable, not thread-safe builder for {@link Email}; {@link #build()} leaves it untouched. */
    public static final class Builder {
        private InternetAddress from;
        private final List<InternetAddress> replyTo = new ArrayList<>();
        private final List<InternetAddress> to = new ArrayList<>();
        private final List<InternetAddress> cc = new ArrayList<>();
        private final List<InternetAddress> bcc = new ArrayList<>();
        private String subject = "";
        private String text;
        private String html;
        private final List<Attachment> attachments = new ArrayList<>();
        private final List<Attachment> inlines = new ArrayList<>();
        /** A {@code cid:} reference in HTML (RFC 2392), up to the quote, space or bracket that ends it. */
        private static final java.util.regex.Pattern CID = java.util.regex.Pattern.compile("(?i)\\bcid:([^\"'\\s>)]+)");
        private final Map<String, String> headers = new LinkedHashMap<>();
        private InternetAddress envelopeFrom;
        private String messageId;
        private Instant date;

        private Builder() {
        }

        /**
         * Sets the sender.
         *
         * @param address {@code me@example.com} or {@code Name <me@example.com>}
         * @return this builder
         * @throws InvalidEmailException if the address is malformed
         */
        public Builder from(String address) {
            this.from = Addresses.parse(address, "from");
            return this;
        }

        /**
         * Sets the sender with a display name (any Unicode).
         *
         * @param address the bare address
         * @param name    the display name
         * @return this builder
         * @throws InvalidEmailException if the address or name is malformed
         */
        public Builder from(String address, String name) {
            this.from = Addresses.parse(address, name, "from");
            return this;
        }

        /**
         * Adds Reply-To addresses.
         *
         * @param addresses addresses, each bare or {@code Name <address>}
         * @return this builder
         * @throws InvalidEmailException if an address is malformed
         */
        public Builder replyTo(String... addresses) {
            add(replyTo, addresses, "replyTo");
            return this;
        }

        /**
         * Adds To recipients.
         *
         * @param addresses addresses, each bare or {@code Name <address>}
         * @return this builder
         * @throws InvalidEmailException if an address is malformed
         */
        public Builder to(String... addresses) {
            add(to, addresses, "to");
            return this;
        }

        /**
         * Adds Cc recipients.
         *
         * @param addresses addresses, each bare or {@code Name <address>}
         * @return this builder
         * @throws InvalidEmailException if an address is malformed
         */
        public Builder cc(String... addresses) {
            add(cc, addresses, "cc");
            return this;
        }

        /**
         * Adds Bcc recipients (never written into the headers).
         *
         * @param addresses addresses, each bare or {@code Name <address>}
         * @return this builder
         * @throws InvalidEmailException if an address is malformed
         */
        public Builder bcc(String... addresses) {
            add(bcc, addresses, "bcc");
            return this;
        }

        /**
         * Sets the subject (any Unicode; encoded per RFC 2047 when needed).
         *
         * @param subject the subject
         * @return this builder
         * @throws InvalidEmailException if it contains CR or LF
         */
        public Builder subject(String subject) {
            this.subject = Addresses.headerValue(Objects.requireNonNull(subject, "subject"), "subject");
            return this;
        }

        /**
         * Sets the plain-text body.
         *
         * @param text the body
         * @return this builder
         */
        public Builder text(String text) {
            this.text = Objects.requireNonNull(text, "text");
            return this;
        }

        /**
         * Sets the HTML body.
         *
         * @param html the body
         * @return this builder
         */
        public Builder html(String html) {
            this.html = Objects.requireNonNull(html, "html");
            return this;
        }

        /**
         * Attaches a file (read when the message is written; type detected from the name).
         *
         * @param file the file
         * @return this builder
         * @throws InvalidEmailException if the file is not readable
         */
        public Builder attach(Path file) {
            attachments.add(Attachment.of(file));
            return this;
        }

        /**
         * Attaches bytes.
         *
         * @param fileName    the name shown to the recipient
         * @param data        the content
         * @param contentType the MIME type, or null to detect it from the name
         * @return this builder
         */
        public Builder attach(String fileName, byte[] data, String contentType) {
            attachments.add(Attachment.of(fileName, data, contentType));
            return this;
        }

        /**
         * Attaches a prepared attachment.
         *
         * @param attachment the attachment
         * @return this builder
         */
        public Builder attach(Attachment attachment) {
            Objects.requireNonNull(attachment, "attachment");
            if (attachment.contentId().isPresent()) {
                inlines.add(attachment);
            } else {
                attachments.add(attachment);
            }
            return this;
        }

        /**
         * Adds an inline part, shown where the HTML body says {@code <img src="cid:contentId">}.
         *
         * @param contentId   the id used in the HTML, without {@code cid:}
         * @param data        the content
         * @param contentType the MIME type, for example {@code image/png}
         * @return this builder
         */
        public Builder inline(String contentId, byte[] data, String contentType) {
            inlines.add(Attachment.of(contentId, data, contentType).asInline(contentId));
            return this;
        }

        /**
         * Adds an inline part read from a file.
         *
         * @param contentId the id used in the HTML, without {@code cid:}
         * @param file      the file
         * @return this builder
         */
        public Builder inline(String contentId, Path file) {
            inlines.add(Attachment.of(file).asInline(contentId));
            return this;
        }

        /**
         * Adds an extra header. Structural headers (From, To, Subject, Content-Type, ...) have their own
         * methods and are refused here.
         *
         * @param name  the header name: printable ASCII without ':' or spaces
         * @param value the value (any Unicode; encoded per RFC 2047 when needed)
         * @return this builder
         * @throws InvalidEmailException if the name is malformed or reserved, or the value holds CR or LF
         */
        public Builder header(String name, String value) {
            Objects.requireNonNull(name, "header name");
            if (name.isEmpty() || !name.chars().allMatch(c -> c > 32 && c < 127 && c != ':')) {
                throw new InvalidEmailException("header name '" + name
                        + "' must be printable ASCII without ':' or spaces", null);
            }
            if (RESERVED.contains(name.toLowerCase(Locale.ROOT))) {
                throw new InvalidEmailException("header '" + name + "' is set by its own Email.Builder method", null);
            }
            headers.put(name, Addresses.headerValue(Objects.requireNonNull(value, "header value"), "header " + name));
            return this;
        }

        /**
         * Makes the message one-click unsubscribable as Gmail and Yahoo require of bulk senders (RFC 8058):
         * writes {@code List-Unsubscribe: <https-url>} and {@code List-Unsubscribe-Post:
         * List-Unsubscribe=One-Click}. The receiving provider POSTs {@code List-Unsubscribe=One-Click} to the
         * URL, which must unsubscribe the recipient without further interaction. Both fields are DKIM-signed
         * by default ({@link Dkim#DEFAULT_HEADERS}); RFC 8058 requires that they are.
         *
         * @param httpsUrl the unsubscribe URL, {@code https:}, identifying the recipient and list
         * @return this builder
         * @throws InvalidEmailException if the URL is not an absolute https URL, or holds spaces, {@code <},
         *                               {@code >} or line breaks, or is longer than 900 characters
         */
        public Builder listUnsubscribe(String httpsUrl) {
            return listUnsubscribe(httpsUrl, null);
        }

        /**
         * Like {@link #listUnsubscribe(String)}, also giving a {@code mailto:} address for clients that
         * unsubscribe by mail.
         *
         * @param httpsUrl the unsubscribe URL, {@code https:}
         * @param mailto   an address (or {@code mailto:} URI) that unsubscribes, or null
         * @return this builder
         * @throws InvalidEmailException if either is malformed
         */
        public Builder listUnsubscribe(String httpsUrl, String mailto) {
            String https = uri(Objects.requireNonNull(httpsUrl, "httpsUrl"), "List-Unsubscribe URL");
            java.net.URI u;
            try {
                u = new java.net.URI(https);
            } catch (java.net.URISyntaxException e) {
                throw new InvalidEmailException("List-Unsubscribe URL '" + https + "' is not a URI: " + e.getReason(),
                        null);
            }
            if (!"https".equalsIgnoreCase(u.getScheme()) || u.getHost() == null) {
                throw new InvalidEmailException("List-Unsubscribe URL '" + https + "' must be an absolute https URL"
                        + " (RFC 8058 one-click unsubscribe)", null);
            }
            String value = "<" + https + ">";
            if (mailto != null) {
                String m = uri(mailto, "List-Unsubscribe mailto");
                if (!m.regionMatches(true, 0, "mailto:", 0, 7)) {
                    Addresses.parse(m, "List-Unsubscribe mailto"); // a bare address
                    m = "mailto:" + m;
                }
                value += ", <" + m + ">";
            }
            headers.put("List-Unsubscribe", value);
            headers.put("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
            return this;
        }

        /**
         * Sets {@code Feedback-ID}, by which Gmail's Postmaster Tools report spam complaints per campaign, for
         * example {@code "campaign42:newsletter:acme:esp"} (up to four colon-separated parts, the last
         * identifying the sender).
         *
         * @param feedbackId the value: printable ASCII, no spaces
         * @return this builder
         * @throws InvalidEmailException if it holds other characters or is over 200 characters
         */
        public Builder feedbackId(String feedbackId) {
            Objects.requireNonNull(feedbackId, "feedbackId");
            if (feedbackId.isEmpty() || feedbackId.length() > 200
                    || !feedbackId.chars().allMatch(c -> c > 32 && c < 127)) {
                throw new InvalidEmailException("Feedback-ID must be 1 to 200 printable ASCII characters without"
                        + " spaces", null);
            }
            headers.put("Feedback-ID", feedbackId);
            return this;
        }

        /**
         * Sets the envelope sender ({@code MAIL FROM}), where bounces are returned, when it is not the From
         * address: for example a per-recipient address ({@code bounces+42-bob=example.org@example.com}) so
         * that a bounce names the message and recipient it is about (VERP). The server may refuse an envelope
         * sender the account may not use.
         *
         * @param address a bare address
         * @return this builder
         * @throws InvalidEmailException if it is not an address
         */
        public Builder envelopeFrom(String address) {
            this.envelopeFrom = Addresses.parse(Objects.requireNonNull(address, "envelopeFrom"), "envelopeFrom");
            return this;
        }

        private static String uri(String value, String what) {
            String v = value.trim();
            if (v.isEmpty() || v.length() > 900 || v.chars().anyMatch(c -> c <= 32 || c == '<' || c == '>' || c >= 127)) {
                throw new InvalidEmailException(what + " must be 1 to 900 printable ASCII characters without spaces,"
                        + " '<' or '>'", null);
            }
            return v;
        }

        /**
         * Fixes the Message-ID instead of generating one.
         *
         * @param messageId for example {@code <abc@example.com>}
         * @return this builder
         * @throws InvalidEmailException if it is not of the form {@code <left@right>}
         */
        public Builder messageId(String messageId) {
            Objects.requireNonNull(messageId, "messageId");
            if (!messageId.matches("<[\\x21-\\x7e&&[^<>@]]+@[\\x21-\\x7e&&[^<>@]]+>")) {
                throw new InvalidEmailException("Message-ID '" + messageId
                        + "' must look like <left@right>, in printable ASCII (RFC 5322)", null);
            }
            this.messageId = messageId;
            return this;
        }

        /**
         * Fixes the Date header instead of using the time of sending.
         *
         * @param date the date
         * @return this builder
         */
        public Builder date(Instant date) {
            this.date = Objects.requireNonNull(date, "date");
            return this;
        }

        /**
         * Builds the email.
         *
         * @return the email
         * @throws InvalidEmailException if there is no sender, no recipient, no body, or inline parts without HTML
         */
        public Email build() {
            if (from == null) {
                throw new InvalidEmailException("an email needs a sender: call from(..)", null);
            }
            if (to.isEmpty() && cc.isEmpty() && bcc.isEmpty()) {
                throw new InvalidEmailException("an email needs at least one to, cc or bcc recipient", null);
            }
            if (text == null && html == null && attachments.isEmpty()) {
                throw new InvalidEmailException("an email needs a text or HTML body, or an attachment", null);
            }
            if (!inlines.isEmpty() && html == null) {
                throw new InvalidEmailException("inline parts are shown by an HTML body: call html(..)", null);
            }
            if (html != null) {
                java.util.regex.Matcher m = CID.matcher(html);
                while (m.find()) {
                    String id = m.group(1);
                    String decoded = percentDecoded(id); // RFC 2392: the id is URL-encoded in the reference
                    if (inlines.stream().noneMatch(a -> a.contentId().filter(c -> c.equals(id) || c.equals(decoded))
                            .isPresent())) {
                        throw new InvalidEmailException("the HTML body refers to cid:" + id + " but no inline part has"
                                + " that id: add it with inline(\"" + id + "\", ..)", null);
                    }
                }
            }
            return new Email(this);
        }

        private static String percentDecoded(String s) {
            if (s.indexOf('%') < 0) {
                return s;
            }
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c == '%' && i + 2 < s.length()
                        && Character.digit(s.charAt(i + 1), 16) >= 0 && Character.digit(s.charAt(i + 2), 16) >= 0) {
                    out.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
                    i += 2;
                } else {
                    out.writeBytes(String.valueOf(c).getBytes(java.nio.charset.StandardCharsets.UTF_8));
                }
            }
            return out.toString(java.nio.charset.StandardCharsets.UTF_8);
        }

        private static void add(List<InternetAddress> list, String[] addresses, String field) {
            Objects.requireNonNull(addresses, field);
            for (String a : addresses) {
                list.add(Addresses.parse(a, field));
            }
        }
    }
}
