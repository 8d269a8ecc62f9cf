package dev.mailkit.imap;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * A part of an opened message that is not its text: an attachment, or an inline part (an image the HTML
 * shows by its Content-ID). Its bytes are never held in memory: {@link #open()} streams them from the file.
 */
public interface MessagePart {

    /**
     * The part's type, lower case, as in {@code application/pdf}.
     *
     * @return the MIME type
     */
    String contentType();

    /**
     * The file name the message proposes, decoded (RFC 2047, RFC 2231), as sent: it may hold a path such as
     * {@code ../../x} or characters no file system takes. Use {@link #safeFileName()} to write it to disk.
     *
     * @return the name, if the part has one
     */
    Optional<String> fileName();

    /**
     * A name safe to create in a directory: the last component of {@link #fileName()} without control or
     * bidirectional characters, characters file systems refuse, leading dots or a Windows device name, at most
     * 200 bytes; {@code attachment-N.ext} when the part has no usable name. Two parts may still share one.
     *
     * @return the name, never empty, never {@code .} or {@code ..}, never holding a path separator
     */
    String safeFileName();

    /**
     * The Content-ID, without angle brackets (what an HTML body refers to as {@code cid:...}).
     *
     * @return the id, if the part has one
     */
    Optional<String> contentId();

    /**
     * Whether the part is shown inside the message rather than attached.
     *
     * @return true for an inline part
     */
    boolean inline();

    /**
     * The part's size once decoded (base64 or quoted-printable undone).
     *
     * @return the size in bytes
     */
    long size();

    /**
     * Streams the part's decoded bytes from the message file; nothing of it is read into memory at once.
     *
     * @return the stream; the caller closes it
     * @throws IOException if the file can no longer be read
     */
    InputStream open() throws IOException;
}
