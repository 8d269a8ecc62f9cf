package dev.mailkit.smtp.internal;

import java.io.IOException;

/**
 * A stream of message content on its way to an SMTP server that can take lines known to need nothing done to
 * them (each ended by CRLF, no other CR or LF, none starting with a dot), such as base64 output, without
 * looking at every byte again.
 */
public interface CanonicalLines {

    /**
     * Whether what is written next starts a line.
     *
     * @return true at the beginning of a line
     */
    boolean atLineStart();

    /**
     * Writes whole lines as they are. The caller guarantees the form above; nothing is checked.
     *
     * @param b   the lines
     * @param off where they start
     * @param len how many bytes, the last two being CRLF
     * @throws IOException if writing fails
     */
    void writeCanonicalLines(byte[] b, int off, int len) throws IOException;
}
