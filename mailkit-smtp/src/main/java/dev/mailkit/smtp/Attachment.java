package dev.mailkit.smtp;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A file carried by an {@link Email}: an attachment, or an inline part referenced from the HTML body
 * as {@code cid:<contentId>}. Immutable; its content is read each time the message is written (so a
 * retried send reads it again), never held in memory unless it was given as bytes.
 */
public final class Attachment {

    /** Supplies the content; called once per write of the message, so it must be repeatable. */
    @FunctionalInterface
    public interface Content {
        /**
         * Opens the content.
         *
         * @return a new stream over the content; the caller closes it
         * @throws IOException if it cannot be opened
         */
        InputStream open() throws IOException;
    }

    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("pdf", "application/pdf"), Map.entry("png", "image/png"), Map.entry("jpg", "image/jpeg"),
            Map.entry("jpeg", "image/jpeg"), Map.entry("gif", "image/gif"), Map.entry("webp", "image/webp"),
            Map.entry("svg", "image/svg+xml"), Map.entry("txt", "text/plain"), Map.entry("csv", "text/csv"),
            Map.entry("html", "text/html"), Map.entry("htm", "text/html"), Map.entry("json", "application/json"),
            Map.entry("xml", "application/xml"), Map.entry("zip", "application/zip"),
            Map.entry("gz", "application/gzip"), Map.entry("ics", "text/calendar"),
            Map.entry("doc", "application/msword"),
            Map.entry("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
            Map.entry("xls", "application/vnd.ms-excel"),
            Map.entry("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            Map.entry("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
            Map.entry("eml", "message/rfc822"));

    private final String fileName;
    private final String contentType;
    private final Content content;
    private final String contentId;
    private final long size;

    private Attachment(String fileName, String contentType, Content content, String contentId, long size) {
        this.fileName = fileName;
        this.contentType = contentType;
        this.content = content;
        this.contentId = contentId;
        this.size = size;
    }

    /**
     * An attachment read from a file when the message is written; the type is detected from the name.
     *
     * @param file the file
     * @return the attachment
     * @throws InvalidEmailException if the file is missing or not readable
     */
    public static Attachment of(Path file) {
        Objects.requireNonNull(file, "file");
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new InvalidEmailException("attachment " + file + " is not a readable file", null);
        }
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new InvalidEmailException("attachment " + file + " cannot be read: " + e.getMessage(), e);
        }
        String name = file.getFileName().toString();
        return new Attachment(name, detect(name), () -> Files.newInputStream(file), null, size);
    }

    /**
     * An attachment held in memory.
     *
     * @param fileName    the name shown to the recipient
     * @param data        the bytes (copied)
     * @param contentType the MIME type, or null to detect it from the name
     * @return the attachment
     */
    public static Attachment of(String fileName, byte[] data, String contentType) {
        byte[] copy = Objects.requireNonNull(data, "data").clone();
        return new Attachment(checkName(fileName), type(fileName, contentType),
                () -> new java.io.ByteArrayInputStream(copy), null, copy.length);
    }

    /**
     * An attachment streamed from a source each time the message is written.
     *
     * @param fileName    the name shown to the recipient
     * @param content     opens the content; must be repeatable, as a retried send reads it again
     * @param contentType the MIME type, or null to detect it from the name
     * @return the attachment
     */
    public static Attachment of(String fileName, Content content, String contentType) {
        return new Attachment(checkName(fileName), type(fileName, contentType),
                Objects.requireNonNull(content, "content"), null, -1);
    }

    /**
     * The same content as an inline part, referenced from HTML as {@code cid:contentId}.
     *
     * @param contentId the id, without angle brackets: letters, digits and {@code . _ - @}
     * @return the inline part
     * @throws InvalidEmailException if the id is malformed
     */
    public Attachment asInline(String contentId) {
        Objects.requireNonNull(contentId, "contentId");
        if (!contentId.matches("[A-Za-z0-9._@-]+")) {
            throw new InvalidEmailException("inline content id '" + contentId
                    + "' may hold only letters, digits and . _ - @", null);
        }
        return new Attachment(fileName, contentType, content, contentId, size);
    }

    /**
     * The file name shown to the recipient.
     *
     * @return the file name
     */
    public String fileName() {
        return fileName;
    }

    /**
     * The MIME type, for example {@code application/pdf}.
     *
     * @return the MIME type
     */
    public String contentType() {
        return contentType;
    }

    /**
     * The content source.
     *
     * @return the content source
     */
    public Content content() {
        return content;
    }

    /**
     * For an inline part, its Content-ID (without angle brackets).
     *
     * @return the Content-ID, or empty when this is not an inline part
     */
    public Optional<String> contentId() {
        return Optional.ofNullable(contentId);
    }

    /**
     * The size in bytes when known (files and bytes), else -1.
     *
     * @return the size in bytes, or -1 when not known
     */
    public long size() {
        return size;
    }

    @Override
    public String toString() {
        return "Attachment[" + fileName + ", " + contentType + (contentId == null ? "" : ", cid:" + contentId)
                + (size >= 0 ? ", " + size + " bytes" : "") + "]";
    }

    private static String checkName(String fileName) {
        Objects.requireNonNull(fileName, "fileName");
        if (fileName.isBlank() || fileName.chars().anyMatch(c -> c == '\r' || c == '\n' || c == '/' || c == '\\')) {
            throw new InvalidEmailException("attachment file name '" + fileName
                    + "' must be non-blank, without line breaks or path separators", null);
        }
        return fileName;
    }

    private static String type(String fileName, String given) {
        if (given == null) {
            return detect(fileName);
        }
        if (!given.matches("[A-Za-z0-9!#$&^_.+-]+/[A-Za-z0-9!#$&^_.+-]+")) {
            throw new InvalidEmailException("content type '" + given + "' is not of the form type/subtype", null);
        }
        return given.toLowerCase(Locale.ROOT);
    }

    static String detect(String fileName) {
        int dot = fileName.lastIndexOf('.');
        String ext = dot < 0 ? "" : fileName.substring(dot + 1).toLowerCase(Locale.ROOT);
        String known = TYPES.get(ext);
        if (known != null) {
            return known;
        }
        String guessed = URLConnection.guessContentTypeFromName(fileName);
        return guessed != null ? guessed : "application/octet-stream";
    }
}
