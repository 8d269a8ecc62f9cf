package dev.mailkit.imap.internal.engine;

import dev.mailkit.imap.MessageFlags;
import java.time.Instant;

/** What one metadata FETCH says about a message. */
record ServerMessage(long uid, MessageFlags flags, Instant internalDate, long size, String messageId) {
}
