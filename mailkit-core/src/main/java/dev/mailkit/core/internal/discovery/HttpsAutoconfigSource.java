package dev.mailkit.core.internal.discovery;

import dev.mailkit.core.discovery.AutoconfigSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Fetches clientConfig documents from a domain's own autoconfig locations, over HTTPS only. */
public final class HttpsAutoconfigSource implements AutoconfigSource {

    private static final int MAX_BYTES = 256 * 1024;

    private final Duration timeout;
    private final HttpClient client;

    /**
     * Creates the source.
     *
     * @param timeout the time each request may take
     */
    public HttpsAutoconfigSource(Duration timeout) {
        this.timeout = timeout;
        this.client = HttpClient.newBuilder().connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    @Override
    public Optional<String> fetch(String domain, String emailAddress) throws IOException {
        String q = "?emailaddress=" + URLEncoder.encode(emailAddress, StandardCharsets.UTF_8);
        for (String url : List.of("https://autoconfig." + domain + "/mail/config-v1.1.xml" + q,
                "https://" + domain + "/.well-known/autoconfig/mail/config-v1.1.xml" + q)) {
            try {
                HttpResponse<InputStream> r = client.sendAsync(
                                HttpRequest.newBuilder(URI.create(url)).timeout(timeout).GET().build(),
                                HttpResponse.BodyHandlers.ofInputStream())
                        .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                try (InputStream body = r.body()) {
                    if (r.statusCode() != 200) {
                        continue;
                    }
                    // Bounded read: a hostile server can neither exhaust memory nor stall past the deadline.
                    byte[] bytes = CompletableFuture.supplyAsync(() -> readAtMost(body, MAX_BYTES + 1))
                            .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                    if (bytes.length > 0 && bytes.length <= MAX_BYTES) {
                        return Optional.of(new String(bytes, StandardCharsets.UTF_8));
                    }
                }
            } catch (ExecutionException | TimeoutException e) {
                // try the next location
            } catch (IOException e) {
                // try the next location
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while fetching autoconfig for " + domain, e);
            }
        }
        return Optional.empty();
    }

    private static byte[] readAtMost(InputStream in, int limit) {
        try {
            return in.readNBytes(limit);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
