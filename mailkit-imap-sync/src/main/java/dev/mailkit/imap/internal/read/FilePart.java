package dev.mailkit.imap.internal.read;

import dev.mailkit.imap.MessagePart;
import dev.mailkit.imap.internal.mime.FileNames;
import dev.mailkit.imap.internal.mime.MessageParser;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/** A part of an opened message, streamed from its file by a second pass of the parser. */
final class FilePart implements MessagePart {

    /** Opens the message's file again. */
    interface Source {
        InputStream open() throws IOException;
    }

    private final Source source;
    private final MessageParser.Part part;
    private final String safeName;

    FilePart(Source source, MessageParser.Part part) {
        this.source = source;
        this.part = part;
        this.safeName = FileNames.safe(part.fileName(), part.leaf(), part.mimeType());
    }

    @Override
    public String contentType() {
        return part.mimeType();
    }

    @Override
    public Optional<String> fileName() {
        return Optional.ofNullable(part.fileName());
    }

    @Override
    public String safeFileName() {
        return safeName;
    }

    @Override
    public Optional<String> contentId() {
        return Optional.ofNullable(part.contentId());
    }

    @Override
    public boolean inline() {
        return part.inline();
    }

    @Override
    public long size() {
        return part.size();
    }

    @Override
    public InputStream open() throws IOException {
        InputStream in = MessageParser.openLeaf(source.open(), part.leaf());
        if (in == null) {
            throw new IOException("part " + part.leaf() + " is no longer in the message file");
        }
        return in;
    }

    @Override
    public String toString() {
        return "MessagePart[" + part.mimeType() + ", " + safeName + ", " + part.size() + " bytes"
                + (part.inline() ? ", inline" : "") + "]";
    }
}
