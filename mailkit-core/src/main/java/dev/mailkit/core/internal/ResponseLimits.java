package dev.mailkit.core.internal;

import dev.mailkit.core.ConnectionOptions;
import dev.mailkit.core.Protocol;

import java.time.Duration;

/**
 * What one connection accepts from its server, in memory and time (from {@link ConnectionOptions}, for
 * one protocol). A bound of {@link Long#MAX_VALUE} (or a null duration) is no bound.
 *
 * @param maxResponseBytes the largest response line, and the largest IMAP literal
 * @param maxReplyMemory   the most memory the responses to one command may take, as {@link ResponseGuard} estimates it
 * @param imap             true for IMAP: literals, IDLE and nesting are followed
 * @param greeting         from the TCP connection (or, with implicit TLS, from the start of its handshake) to the end of the greeting
 * @param reply            from the client's last write to the end of the server's reply
 * @param idle             the longest silence accepted while the client waits in IMAP IDLE
 * @param login            a whole connection attempt through MailSession (see {@link Exchange#loginScope})
 */
public record ResponseLimits(long maxResponseBytes, long maxReplyMemory, boolean imap, Duration greeting,
                             Duration reply, Duration idle, Duration login) {

    /**
     * The limits of {@code options} for {@code protocol}.
     *
     * @param options  the options in force
     * @param protocol the protocol spoken
     * @return the limits
     */
    public static ResponseLimits of(ConnectionOptions options, Protocol protocol) {
        return new ResponseLimits(options.maxResponseBytes(), options.maxReplyMemory(protocol),
                protocol == Protocol.IMAP, options.greetingTimeout(), options.replyTimeout(), options.idleTimeout(),
                options.loginTimeout());
    }

    /**
     * Only a bound on lines and literals (no bound on replies, no deadlines).
     *
     * @param maxResponseBytes the largest response line, and the largest IMAP literal
     * @param imap             true for IMAP
     * @return the limits
     */
    public static ResponseLimits lineOnly(long maxResponseBytes, boolean imap) {
        return new ResponseLimits(maxResponseBytes, Long.MAX_VALUE, imap, null, null, null, null);
    }
}
