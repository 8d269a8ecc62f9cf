package dev.mailkit.oauth2.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.mailkit.oauth2.OAuth2Exception;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A one-shot HTTP listener on the loopback interface (never a public one) that receives the browser's
 * redirect at the end of a sign-in. Listens on 127.0.0.1 and, where it exists, on ::1 at the same port, so
 * {@code localhost} works whichever address the browser tries.
 */
final class LoopbackReceiver implements AutoCloseable {

    private static final byte[] PAGE = ("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>mailkit</title></head>"
            + "<body><p>Sign-in complete. You can close this window and return to the application.</p></body></html>")
            .getBytes(StandardCharsets.UTF_8);

    private final List<HttpServer> servers = new ArrayList<>();
    private final CompletableFuture<URI> callback = new CompletableFuture<>();
    private final URI redirectUri;

    private LoopbackReceiver(String host) throws IOException {
        HttpServer v4 = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 4);
        servers.add(v4);
        int port = v4.getAddress().getPort();
        if ("localhost".equals(host)) {
            try {
                servers.add(HttpServer.create(new InetSocketAddress(InetAddress.getByName("::1"), port), 4));
            } catch (IOException e) {
                // no IPv6 loopback here: 127.0.0.1 alone
            }
        }
        for (HttpServer s : servers) {
            s.createContext("/", this::handle);
            s.start();
        }
        this.redirectUri = URI.create("http://" + host + ":" + port + "/");
    }

    static LoopbackReceiver start(String host) {
        try {
            return new LoopbackReceiver(host);
        } catch (IOException e) {
            throw new OAuth2Exception("cannot listen on the loopback interface for the sign-in redirect", null, null, 0,
                    "use the device code sign-in instead", e);
        }
    }

    URI redirectUri() {
        return redirectUri;
    }

    private void handle(HttpExchange exchange) throws IOException {
        URI request = exchange.getRequestURI();
        String query = request.getRawQuery();
        if (!"GET".equals(exchange.getRequestMethod()) || query == null
                || !(query.contains("code=") || query.contains("error="))) {
            exchange.sendResponseHeaders(404, -1); // a favicon or a stray request: not the redirect
            exchange.close();
            return;
        }
        exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.getResponseHeaders().set("Referrer-Policy", "no-referrer");
        exchange.sendResponseHeaders(200, PAGE.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(PAGE);
        }
        callback.complete(redirectUri.resolve(request.getRawPath() + "?" + query));
    }

    Optional<URI> await(Duration timeout) {
        try {
            return Optional.of(callback.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
        } catch (TimeoutException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OAuth2Exception("the browser sign-in was interrupted", null, null, 0, null, e);
        } catch (ExecutionException e) {
            throw new OAuth2Exception("the browser sign-in failed", null, null, 0, null, e.getCause());
        }
    }

    @Override
    public void close() {
        for (HttpServer s : servers) {
            s.stop(0);
        }
    }
}
