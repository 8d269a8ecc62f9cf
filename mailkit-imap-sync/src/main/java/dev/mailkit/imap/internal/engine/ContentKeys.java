package dev.mailkit.imap.internal.engine;

import dev.mailkit.imap.spi.MessageStore;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * What tells two copies of one message apart from other messages when UIDs cannot (after a UIDVALIDITY
 * change): the Message-ID and the size in CRLF form, or, for a message without a Message-ID, a digest of
 * its header (line ends ignored) and the size. Local files written by other Maildir clients may use LF
 * line ends; both sides are compared as the server would store them.
 */
final class ContentKeys {

    /** The header bytes a digest looks at, at most (after line ends are made LF). */
    static final int HEADER_LIMIT = 64 * 1024;

    private ContentKeys() {
    }

    /** The key of a message with this Message-ID ({@code ""}: none, then {@code header} decides) and CRLF size. */
    static String of(String messageId, byte[] header, int offset, int length, long crlfSize) {
        if (!messageId.isEmpty()) {
            return "M" + messageId + "|" + crlfSize;
        }
        return "H" + headerDigest(header, offset, length) + "|" + crlfSize;
    }

    /** The CRLF size a key names. */
    static long size(String key) {
        return Long.parseLong(key.substring(key.lastIndexOf('|') + 1));
    }

    /** The key of a local message: its Message-ID or header digest, and its size with CRLF line ends. */
    static String ofLocal(MessageStore.StoredFolder folder, String localId, String messageId, long knownCrlfSize)
            throws IOException {
        long size = knownCrlfSize >= 0 ? knownCrlfSize : crlfSize(folder, localId);
        if (!messageId.isEmpty()) {
            return of(messageId, null, 0, 0, size);
        }
        try (InputStream in = folder.open(localId)) {
            byte[] head = in.readNBytes(2 * HEADER_LIMIT);
            return of("", head, 0, head.length, size);
        }
    }

    /** The size the message has with CRLF line ends (as an APPEND would store it). */
    static long crlfSize(MessageStore.StoredFolder folder, String localId) throws IOException {
        long size = 0;
        try (InputStream in = folder.open(localId)) {
            byte[] buf = new byte[64 * 1024];
            int prev = -1;
            int n;
            while ((n = in.read(buf)) > 0) {
                for (int i = 0; i < n; i++) {
                    if (buf[i] == '\n' && prev != '\r') {
                        size++;
                    }
                    size++;
                    prev = buf[i];
                }
            }
        }
        return size;
    }

    /** SHA-256 of the header up to and including its first empty line, CRs left out, at most {@link #HEADER_LIMIT} bytes. */
    static String headerDigest(byte[] b, int offset, int length) {
        MessageDigest d;
        try {
            d = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] out = new byte[Math.min(length, HEADER_LIMIT)];
        int o = 0;
        int prev = -1;
        for (int i = offset; i < offset + length && o < out.length; i++) {
            byte c = b[i];
            if (c == '\r') {
                continue;
            }
            out[o++] = c;
            if (c == '\n' && prev == '\n') {
                break; // the empty line ending the header
            }
            prev = c;
        }
        d.update(out, 0, o);
        return HexFormat.of().formatHex(d.digest(), 0, 16);
    }
}
