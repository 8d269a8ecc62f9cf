package dev.mailkit.imap;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/**
 * A mirrored message, opened and parsed: its header fields decoded, its text and HTML bodies decoded from their
 * transfer encoding and charset (a missing or unknown charset is read as UTF-8 when the bytes are valid UTF-8,
 * else as windows-1252), and its other parts listed, to be streamed on demand. Obtained from
 * {@link LocalMailbox#open(String, long)}. What it holds is bounded whatever the message's size: the bodies up to
 * 1 Mi characters each ({@link #truncated()} says when one was longer), the header up to 1 Mi characters (each
 * field's value up to 64 Ki), at most 1,000 parts.
 */
public interface LocalMessage {

    /**
     * A decoded header field.
     *
     * @param name  the field name as written
     * @param value its value, unfolded, RFC 2047 encoded words and 8-bit text decoded, control characters as spaces
     */
    record Header(String name, String value) {
    }

    /**
     * The message's envelope, as the index has it.
     *
     * @return the envelope
     */
    Envelope envelope();

    /**
     * The top-level header fields, in order.
     *
     * @return the fields
     */
    List<Header> headers();

    /**
     * The first field of a name.
     *
     * @param name the field name, in any case
     * @return its decoded value, if the message has that field
     */
    Optional<String> header(String name);

    /**
     * The plain-text body: every text/plain part that is not an attachment, joined by a blank line.
     *
     * @return the text, if the message has a text/plain body
     */
    Optional<String> text();

    /**
     * The HTML body: the first text/html part that is not an attachment. It comes from the sender: show it only
     * through an HTML sanitiser.
     *
     * @return the HTML, if the message has one
     */
    Optional<String> html();

    /**
     * The text to show a reader: the plain-text body, else the text of the HTML body (tags, scripts and styles
     * removed, character references decoded), else empty.
     *
     * @return the text, never null
     */
    String displayText();

    /**
     * Whether the text, the HTML or the header was longer than what is kept (see the class description).
     *
     * @return true when something was cut
     */
    boolean truncated();

    /**
     * The attached parts (a forwarded message, {@code message/rfc822}, is one), in the message's order.
     *
     * @return the attachments
     */
    List<MessagePart> attachments();

    /**
     * The inline parts: images and other non-text parts shown inside the message by Content-ID.
     *
     * @return the inline parts
     */
    List<MessagePart> inlineParts();

    /**
     * Streams the message's bytes exactly as the server sent them.
     *
     * @return the stream; the caller closes it
     * @throws IOException if the file can no longer be read
     */
    InputStream openRaw() throws IOException;
}
