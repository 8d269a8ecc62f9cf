package dev.mailkit.core.internal.angus;

import java.lang.ref.WeakReference;
import java.net.Socket;
import java.util.Objects;

/**
 * Finds the socket mailkit's factory made under Angus Mail's write-timeout wrapper. With a write timeout set,
 * Angus wraps the plain socket it got from the factory ({@code org.eclipse.angus.mail.util.WriteTimeoutSocket})
 * and hands the wrapper, not the socket, to the TLS socket factory at STARTTLS; the wrapper does not expose
 * what it wraps. STARTTLS runs on the thread that opened the connection, so the socket this thread's factory
 * made last is the one under the wrapper when both ends of the two sockets match.
 *
 * <p>Guarded by {@code StartTlsUnderAngusTest} (core): it fails when Angus opens or wraps the socket so that
 * this guess no longer finds it.
 */
public final class UnderlyingSocket {

    /** The socket this thread's factory made last. */
    private static final ThreadLocal<WeakReference<Socket>> LAST = new ThreadLocal<>();

    private UnderlyingSocket() {
    }

    /**
     * Records a socket the factory just made on this thread.
     *
     * @param socket the new, unconnected socket
     */
    public static void created(Socket socket) {
        LAST.set(new WeakReference<>(socket));
    }

    /**
     * The socket under a wrapper: the one this thread made last, when its local port, remote port and remote
     * address are the wrapper's.
     *
     * @param wrapper the socket Angus handed on
     * @return the socket under it, or null when none matches
     */
    public static Socket under(Socket wrapper) {
        WeakReference<Socket> ref = LAST.get();
        Socket last = ref == null ? null : ref.get();
        if (last != null && last.getLocalPort() == wrapper.getLocalPort() && last.getPort() == wrapper.getPort()
                && Objects.equals(last.getInetAddress(), wrapper.getInetAddress())) {
            return last;
        }
        return null;
    }
}
