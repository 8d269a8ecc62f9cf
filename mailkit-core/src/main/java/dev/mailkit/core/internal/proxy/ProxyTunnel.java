package dev.mailkit.core.internal.proxy;

import dev.mailkit.core.ProxyException.Reason;
import dev.mailkit.core.ProxySettings;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.IDN;
import java.net.InetAddress;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Opens a tunnel to a mail server through a proxy, over a TCP connection to the proxy: SOCKS5 (RFC 1928,
 * user name and password by RFC 1929) or HTTP {@code CONNECT}. The mail server's host name is sent as it
 * is, for the proxy to resolve. Every read has a deadline (the connect timeout, counted from the start of
 * the TCP connection to the proxy) and is bounded: an HTTP proxy's answer may take at most
 * {@link #MAX_HTTP_REPLY_BYTES} bytes, status line and headers together; a SOCKS5 answer has a fixed size.
 * Nothing past the proxy's answer is read, so the mail server's first bytes (its greeting, which a proxy
 * may send in the same packet) stay in the socket for the protocol. Failures are {@link ProxyFailure}s
 * naming the proxy and the fix; none holds the password.
 */
public final class ProxyTunnel {

    /** The most bytes an HTTP proxy's answer to {@code CONNECT} may take, status line and headers together. */
    public static final int MAX_HTTP_REPLY_BYTES = 8192;

    /** The longest part of a proxy's status line kept in a message. */
    private static final int MAX_STATUS_SHOWN = 160;

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    /** Sets the socket's read timeout for the next read. */
    @FunctionalInterface
    public interface Timeouts {
        /**
         * Sets the read timeout.
         *
         * @param millis at least 1
         * @throws SocketException if the socket refuses
         */
        void next(int millis) throws SocketException;
    }

    private final ProxySettings proxy;
    private final InputStream in;
    private final OutputStream out;
    private final Timeouts timeouts;
    private final String host;
    private final int port;
    private final long deadlineNanos;
    private final Duration timeout;
    /** Whether the proxy has answered anything yet. */
    private boolean answered;

    private ProxyTunnel(ProxySettings proxy, InputStream in, OutputStream out, Timeouts timeouts, String host, int port,
                        long deadlineNanos, Duration timeout) {
        this.proxy = proxy;
        this.in = in;
        this.out = out;
        this.timeouts = timeouts;
        this.host = host;
        this.port = port;
        this.deadlineNanos = deadlineNanos;
        this.timeout = timeout;
    }

    /**
     * Asks the proxy, over a TCP connection to it, for a tunnel to {@code host:port}. When this returns,
     * the connection's bytes are the mail server's.
     *
     * @param proxy         the proxy
     * @param in            the TCP connection's input, read without buffering
     * @param out           the TCP connection's output
     * @param timeouts      sets the read timeout of the TCP connection before each read
     * @param host          the mail server's host name or address, sent to the proxy as it is
     * @param port          the mail server's port
     * @param deadlineNanos by when ({@link System#nanoTime()}) the tunnel must be open
     * @param timeout       the time that deadline stands for, for messages
     * @throws ProxyFailure if the proxy refuses, fails, does not answer in time, or answers out of bounds
     */
    public static void open(ProxySettings proxy, InputStream in, OutputStream out, Timeouts timeouts, String host, int port,
                            long deadlineNanos, Duration timeout) throws ProxyFailure {
        ProxyTunnel t = new ProxyTunnel(proxy, in, out, timeouts, host, port, deadlineNanos, timeout);
        try {
            if (proxy.type() == ProxySettings.Type.SOCKS5) {
                t.socks5();
            } else {
                t.httpConnect();
            }
        } catch (ProxyFailure f) {
            throw f;
        } catch (SocketTimeoutException e) {
            throw t.timedOut(e);
        } catch (EOFException e) {
            throw t.fail(Reason.BAD_REPLY, "closed the connection before the tunnel to " + t.target() + " was open",
                    "check that " + proxy.address() + " is " + t.kind() + " and that it is working", null, false, e);
        } catch (IOException e) {
            throw t.fail(Reason.BAD_REPLY, "dropped the connection while opening the tunnel to " + t.target() + " ("
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")",
                    "check that " + proxy.address() + " is " + t.kind() + " and that it is working", null, false, e);
        }
    }

    /**
     * The failure to connect to the proxy itself.
     *
     * @param proxy   the proxy
     * @param e       what the TCP connection threw
     * @param timeout the connect timeout in force
     * @return the failure to throw
     */
    public static ProxyFailure unreachable(ProxySettings proxy, IOException e, Duration timeout) {
        String why;
        String fix;
        if (e instanceof UnknownHostException) {
            why = "its host name '" + proxy.host() + "' is unknown";
            fix = "check the proxy's host name";
        } else if (e instanceof SocketTimeoutException) {
            why = "no answer within " + seconds(timeout) + " (ConnectionOptions.connectTimeout)";
            fix = "check the proxy's host and port, and that this network lets you reach it";
        } else if (e instanceof ConnectException) {
            why = "connection refused";
            fix = "check the proxy's port, and that the proxy is running";
        } else if (e instanceof NoRouteToHostException) {
            why = "no route to the proxy";
            fix = "check the proxy's host, and the network";
        } else {
            why = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            fix = "check the proxy's host and port";
        }
        return new ProxyFailure(Reason.UNREACHABLE, "cannot connect to the " + proxy.type() + " proxy " + proxy.address()
                + " (" + why + ")", fix + " (ConnectionOptions.proxy)", proxy.toString(), null, false, e);
    }

    // SOCKS5

    private void socks5() throws IOException {
        boolean login = proxy.password().isPresent();
        out.write(login ? new byte[] {5, 2, 0, 2} : new byte[] {5, 1, 0});
        out.flush();
        byte[] choice = readFully(2);
        if (choice[0] != 5) {
            throw notSocks5(choice[0]);
        }
        int method = choice[1] & 0xff;
        if (method == 0xff) {
            if (!login) {
                throw fail(Reason.AUTHENTICATION_REQUIRED, "requires a login",
                        "give the proxy's user name and password (ProxySettings.withCredentials)", null, true, null);
            }
            throw fail(Reason.AUTHENTICATION_FAILED, "accepts none of the login methods mailkit offers (none, user name "
                    + "and password)", "ask the proxy's administrator which login it expects", null, true, null);
        }
        if (method == 2 && login) {
            byte[] user = proxy.username().orElseThrow().getBytes(StandardCharsets.UTF_8);
            byte[] password = proxy.password().orElseThrow().getBytes(StandardCharsets.UTF_8);
            byte[] request = new byte[3 + user.length + password.length];
            request[0] = 1;
            request[1] = (byte) user.length;
            System.arraycopy(user, 0, request, 2, user.length);
            request[2 + user.length] = (byte) password.length;
            System.arraycopy(password, 0, request, 3 + user.length, password.length);
            out.write(request);
            out.flush();
            java.util.Arrays.fill(request, (byte) 0);
            byte[] status = readFully(2);
            if (status[1] != 0) {
                throw fail(Reason.AUTHENTICATION_FAILED, "refused the login of '" + proxy.username().orElseThrow() + "'",
                        "check the proxy user name and password", "SOCKS5 login status " + (status[1] & 0xff), true, null);
            }
        } else if (method != 0) {
            throw fail(Reason.BAD_REPLY, "chose login method " + method + ", which mailkit did not offer",
                    "check that " + proxy.address() + " is a SOCKS5 proxy", null, true, null);
        }
        out.write(socksConnectRequest());
        out.flush();
        byte[] head = readFully(4);
        if (head[0] != 5) {
            throw notSocks5(head[0]);
        }
        int rep = head[1] & 0xff;
        if (rep != 0) {
            throw socksRefusal(rep);
        }
        int bound = switch (head[3]) {
            case 1 -> 4;
            case 4 -> 16;
            case 3 -> readFully(1)[0] & 0xff;
            default -> throw fail(Reason.BAD_REPLY, "answered with an unknown address type " + (head[3] & 0xff),
                    "check that " + proxy.address() + " is a SOCKS5 proxy", null, true, null);
        };
        readFully(bound + 2); // the proxy's own address and port: nothing past them
    }

    private byte[] socksConnectRequest() throws ProxyFailure {
        byte[] address;
        byte type;
        try {
            if (host.indexOf(':') >= 0) {
                address = InetAddress.getByName(host).getAddress(); // an IPv6 literal: no lookup
                type = (byte) (address.length == 4 ? 1 : 4);
            } else if (IPV4.matcher(host).matches()) {
                address = InetAddress.getByName(host).getAddress(); // an IPv4 literal: no lookup
                type = 1;
            } else {
                byte[] name = IDN.toASCII(host).getBytes(StandardCharsets.US_ASCII);
                if (name.length > 255) {
                    throw fail(Reason.REFUSED, "cannot be asked for '" + host + "': host names are at most 255 bytes in "
                            + "SOCKS5", "check the mail server's host name", null, true, null);
                }
                address = new byte[name.length + 1];
                address[0] = (byte) name.length;
                System.arraycopy(name, 0, address, 1, name.length);
                type = 3;
            }
        } catch (UnknownHostException | IllegalArgumentException e) {
            throw fail(Reason.REFUSED, "cannot be asked for '" + host + "': not a host name or address",
                    "check the mail server's host name", null, true, e);
        }
        byte[] request = new byte[6 + address.length];
        request[0] = 5;
        request[1] = 1; // CONNECT
        request[3] = type;
        System.arraycopy(address, 0, request, 4, address.length);
        request[4 + address.length] = (byte) (port >> 8);
        request[5 + address.length] = (byte) port;
        return request;
    }

    private ProxyFailure notSocks5(byte first) {
        String fix = first == 'H'
                ? "it answers in HTTP: use http://" + proxy.address() + " (ProxySettings.http)"
                : "check that " + proxy.address() + " is a SOCKS5 proxy (SOCKS4 is not supported)";
        return fail(Reason.BAD_REPLY, "did not answer in SOCKS5 (version byte " + (first & 0xff) + ")", fix, null, true, null);
    }

    private ProxyFailure socksRefusal(int rep) {
        String meaning = switch (rep) {
            case 1 -> "general SOCKS server failure";
            case 2 -> "connection not allowed by ruleset";
            case 3 -> "network unreachable";
            case 4 -> "host unreachable";
            case 5 -> "connection refused";
            case 6 -> "TTL expired";
            case 7 -> "command not supported";
            case 8 -> "address type not supported";
            default -> "unknown reply";
        };
        String status = "SOCKS5 reply " + rep + ": " + meaning;
        if (rep == 2 || rep == 7 || rep == 8) {
            return fail(Reason.REFUSED, "refused to open a tunnel to " + target() + " (" + status + ")",
                    "its rules may not allow this host or port: ask the proxy's administrator, or use another proxy",
                    status, true, null);
        }
        return fail(Reason.REFUSED, "could not reach " + target() + " (" + status + ")",
                "check the mail server's host name and port (the proxy resolves the name itself), or try again later",
                status, false, null);
    }

    // HTTP CONNECT

    private void httpConnect() throws IOException {
        String authority = host.indexOf(':') >= 0 ? target() : asciiHost() + ":" + port;
        StringBuilder request = new StringBuilder("CONNECT ").append(authority).append(" HTTP/1.1\r\nHost: ")
                .append(authority).append("\r\n");
        if (proxy.password().isPresent()) {
            String basic = Base64.getEncoder().encodeToString((proxy.username().orElseThrow() + ":"
                    + proxy.password().orElseThrow()).getBytes(StandardCharsets.UTF_8));
            request.append("Proxy-Authorization: Basic ").append(basic).append("\r\n");
        }
        request.append("\r\n");
        byte[] bytes = request.toString().getBytes(StandardCharsets.UTF_8);
        out.write(bytes);
        out.flush();
        java.util.Arrays.fill(bytes, (byte) 0);
        List<String> lines = readHttpHead();
        String status = lines.get(0);
        String[] parts = status.split(" ", 3);
        if (!parts[0].startsWith("HTTP/") || parts.length < 2 || !parts[1].matches("\\d{3}")) {
            throw fail(Reason.BAD_REPLY, "did not answer CONNECT with an HTTP status line (\"" + shown(status) + "\")",
                    "check that " + proxy.address() + " is an HTTP proxy", shown(status), true, null);
        }
        int code = Integer.parseInt(parts[1]);
        if (code / 100 == 2) {
            return;
        }
        String statusLine = shown(status);
        if (code == 407 || code == 401) {
            List<String> schemes = new ArrayList<>();
            for (String l : lines) {
                String lower = l.toLowerCase(Locale.ROOT);
                if (lower.startsWith("proxy-authenticate:") || lower.startsWith("www-authenticate:")) {
                    String value = l.substring(l.indexOf(':') + 1).strip();
                    int space = value.indexOf(' ');
                    schemes.add(space < 0 ? value : value.substring(0, space));
                }
            }
            boolean basic = schemes.isEmpty() || schemes.stream().anyMatch(s -> s.equalsIgnoreCase("Basic"));
            String other = basic ? "" : "; it asks for " + String.join(", ", schemes.stream().map(ProxyTunnel::shown).toList())
                    + ", and mailkit speaks only Basic";
            if (proxy.password().isEmpty()) {
                throw fail(Reason.AUTHENTICATION_REQUIRED, "requires a login (\"" + statusLine + "\")" + other,
                        "give the proxy's user name and password (ProxySettings.withCredentials)", statusLine, true, null);
            }
            throw fail(Reason.AUTHENTICATION_FAILED, "refused the login of '" + proxy.username().orElseThrow() + "' (\""
                    + statusLine + "\")" + other, "check the proxy user name and password", statusLine, true, null);
        }
        if (code >= 500) {
            throw fail(Reason.REFUSED, "could not reach " + authority + " (\"" + statusLine + "\")",
                    "check the mail server's host name and port (the proxy resolves the name itself), or try again later",
                    statusLine, false, null);
        }
        throw fail(Reason.REFUSED, "refused to open a tunnel to " + authority + " (\"" + statusLine + "\")",
                "its rules may not allow this host or port: ask the proxy's administrator, or use another proxy",
                statusLine, code / 100 == 4, null);
    }

    /** The status line and header lines of the proxy's answer, up to the empty line, within the bound. */
    private List<String> readHttpHead() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        List<String> lines = new ArrayList<>();
        int total = 0;
        while (true) {
            if (total >= MAX_HTTP_REPLY_BYTES) {
                throw fail(Reason.BAD_REPLY, "sent more than " + MAX_HTTP_REPLY_BYTES + " bytes without ending its answer "
                        + "to CONNECT" + (lines.isEmpty() ? "" : " (\"" + shown(lines.get(0)) + "\")"),
                        "check that " + proxy.address() + " is an HTTP proxy, and that it is working",
                        lines.isEmpty() ? null : shown(lines.get(0)), true, null);
            }
            int b = readByte();
            total++;
            if (total == 1 && b == 5) {
                throw fail(Reason.BAD_REPLY, "answered CONNECT in SOCKS5, not HTTP",
                        "use socks5://" + proxy.address() + " (ProxySettings.socks5)", null, true, null);
            }
            if (b == '\n') {
                String l = line.toString(StandardCharsets.ISO_8859_1);
                if (l.endsWith("\r")) {
                    l = l.substring(0, l.length() - 1);
                }
                line.reset();
                if (l.isEmpty()) {
                    if (lines.isEmpty()) {
                        continue; // tolerated before the status line (RFC 9112, section 2.2)
                    }
                    return lines;
                }
                lines.add(l);
            } else {
                line.write(b);
            }
        }
    }

    // reading with the deadline

    private int readByte() throws IOException {
        setTimeout();
        int b = in.read();
        if (b < 0) {
            throw new EOFException();
        }
        answered = true;
        return b;
    }

    private byte[] readFully(int n) throws IOException {
        byte[] b = new byte[n];
        int off = 0;
        while (off < n) {
            setTimeout();
            int got = in.read(b, off, n - off);
            if (got < 0) {
                throw new EOFException();
            }
            answered = true;
            off += got;
        }
        return b;
    }

    private void setTimeout() throws IOException {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
            throw timedOut(null);
        }
        timeouts.next((int) Math.max(1, Math.min(Integer.MAX_VALUE, (left + 999_999) / 1_000_000)));
    }

    private ProxyFailure timedOut(IOException cause) {
        if (!answered && proxy.type() == ProxySettings.Type.SOCKS5) {
            // An HTTP proxy waits for the end of a request line, which a SOCKS5 greeting never sends.
            return fail(Reason.TIMEOUT, "did not answer the SOCKS5 greeting within " + seconds(timeout)
                            + " (ConnectionOptions.connectTimeout)",
                    "check that " + proxy.address() + " is a SOCKS5 proxy; an HTTP proxy does not answer it: then use http://"
                            + proxy.address() + " (ProxySettings.http)", null, false, cause);
        }
        return fail(Reason.TIMEOUT, "did not open the tunnel to " + target() + " within " + seconds(timeout)
                        + " (ConnectionOptions.connectTimeout)",
                "the proxy may be unable to reach the mail server, or overloaded: check the server's host and port, or "
                        + "try again later", null, false, cause);
    }

    // messages

    private ProxyFailure fail(Reason reason, String what, String fix, String statusLine, boolean permanent, Throwable cause) {
        return new ProxyFailure(reason, "the " + proxy.type() + " proxy " + proxy.address() + " " + what, fix,
                proxy.toString(), statusLine, permanent, cause);
    }

    /** The host name in ASCII (an internationalised name in its {@code xn--} form), as a request line needs it. */
    private String asciiHost() throws ProxyFailure {
        try {
            return IDN.toASCII(host);
        } catch (IllegalArgumentException e) {
            throw fail(Reason.REFUSED, "cannot be asked for '" + host + "': not a host name or address",
                    "check the mail server's host name", null, true, e);
        }
    }

    /** "an HTTP proxy", "a SOCKS5 proxy". */
    private String kind() {
        return proxy.type() == ProxySettings.Type.HTTP ? "an HTTP proxy" : "a SOCKS5 proxy";
    }

    /** {@code host:port}, an IPv6 address in brackets. */
    private String target() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    /** A proxy's words, cut short and without control characters, for a message. */
    private static String shown(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < MAX_STATUS_SHOWN; i++) {
            char c = s.charAt(i);
            b.append(c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) ? '?' : c);
        }
        return s.length() > MAX_STATUS_SHOWN ? b + "…" : b.toString();
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
