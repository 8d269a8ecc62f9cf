package dev.mailkit.spring.boot;

import dev.mailkit.core.Protocol;
import dev.mailkit.core.ServerEndpoint;
import dev.mailkit.core.diagnostics.Finding;
import dev.mailkit.core.diagnostics.MailDiagnostics;
import dev.mailkit.core.diagnostics.Severity;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Health of the mail servers the application uses, from {@link MailDiagnostics} without a login: for the
 * SMTP server and, when syncing, the IMAP server, the settings are checked against the provider registry,
 * the host name resolved, a TCP connection made, TLS negotiated (certificate chain, host name, expiry) and
 * the greeting and capabilities read; then the connection is closed. A login is left out on purpose: probes
 * come every few seconds, and logging in that often costs an authentication at the provider each time
 * (rate limits, lock-outs, OAuth2 token refreshes) to learn what sending already tells (a refused login shows
 * in {@code mailkit.smtp.messages.failed{reason=authentication}}). A result is reused for
 * {@code mailkit.health.cache-for}, so a busy probe does not open a connection each time.
 *
 * <p>UP when no check found an error (a warning is reported, not failed on), DOWN otherwise, or when the
 * mailbox watch stopped on a failure. The details hold, per server, its host, port and security, each check's
 * name and outcome, the time the checks took, and for a failed check what it found and the fix; never a
 * password, a token or an e-mail address (anything shaped like one is masked).
 */
public class MailkitHealthIndicator implements HealthIndicator {

    private static final Pattern ADDRESS = Pattern.compile("[^\\s<>\"'(),;:\\[\\]]+@[^\\s<>\"'(),;:\\[\\]]+");

    private final MailDiagnostics diagnostics;
    private final ServerEndpoint smtp;
    private final ServerEndpoint imap;
    private final Supplier<Optional<SyncWatchStatus>> watch;
    private final long cacheNanos;
    private Health last;
    private long lastAt;

    /**
     * An indicator for these servers.
     *
     * @param diagnostics the checks, with the registry and connection options to use
     * @param smtp        the SMTP server, or null
     * @param imap        the IMAP server, or null
     * @param watch       the mailbox watch, if one runs with the application
     * @param cacheFor    how long a result is reused
     */
    public MailkitHealthIndicator(MailDiagnostics diagnostics, ServerEndpoint smtp, ServerEndpoint imap,
                                  Supplier<Optional<SyncWatchStatus>> watch, Duration cacheFor) {
        this.diagnostics = Objects.requireNonNull(diagnostics, "diagnostics");
        this.smtp = smtp;
        this.imap = imap;
        this.watch = Objects.requireNonNull(watch, "watch");
        this.cacheNanos = Objects.requireNonNull(cacheFor, "cacheFor").toNanos();
    }

    /**
     * The health, checked now or reused from a check within {@code cacheFor}.
     *
     * @return UP or DOWN, with the details
     */
    @Override
    public synchronized Health health() {
        long now = System.nanoTime();
        if (last != null && now - lastAt < cacheNanos) {
            return last;
        }
        last = check();
        lastAt = System.nanoTime();
        return last;
    }

    private Health check() {
        boolean up = true;
        Map<String, Object> details = new LinkedHashMap<>();
        if (smtp != null) {
            up &= server(Protocol.SMTP, smtp, details);
        }
        if (imap != null) {
            up &= server(Protocol.IMAP, imap, details);
        }
        Optional<SyncWatchStatus> w = watch.get();
        if (w.isPresent()) {
            SyncWatchStatus s = w.get();
            Optional<RuntimeException> failure = s.failure();
            details.put("watch", s.isWatching() ? "running" : failure.isPresent() ? "stopped" : "not running");
            if (failure.isPresent()) {
                details.put("watchFailure", failure.get().getClass().getSimpleName());
                up = false;
            }
        }
        return (up ? Health.up() : Health.down()).withDetails(details).build();
    }

    /** Checks one server into {@code details.<protocol>}; true when nothing failed. */
    private boolean server(Protocol protocol, ServerEndpoint endpoint, Map<String, Object> details) {
        Map<String, String> checks = new LinkedHashMap<>();
        String failedCheck = null;
        String problem = null;
        long start = System.nanoTime();
        try {
            MailDiagnostics.Request request = protocol == Protocol.SMTP
                    ? new MailDiagnostics.Request(null, endpoint, null, null)
                    : new MailDiagnostics.Request(null, null, endpoint, null);
            for (Finding f : diagnostics.diagnose(request).findings()) {
                if (f.protocol() != protocol) {
                    continue; // the other protocol was not asked for
                }
                checks.merge(f.check(), f.severity().name(), MailkitHealthIndicator::worse);
                if (f.severity() == Severity.ERROR && failedCheck == null) {
                    failedCheck = f.check();
                    problem = mask(f.message());
                }
            }
        } catch (RuntimeException e) {
            failedCheck = "error";
            problem = e.getClass().getSimpleName(); // the message may name an account
        }
        long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("status", failedCheck == null ? "UP" : "DOWN");
        d.put("host", endpoint.host());
        d.put("port", endpoint.port());
        d.put("security", endpoint.security().name());
        d.put("checks", checks);
        if (failedCheck != null) {
            d.put("failedCheck", failedCheck);
            d.put("problem", problem);
        }
        d.put("durationMs", millis);
        details.put(protocol.name().toLowerCase(java.util.Locale.ROOT), d);
        return failedCheck == null;
    }

    private static String worse(String a, String b) {
        return Severity.valueOf(a).ordinal() >= Severity.valueOf(b).ordinal() ? a : b;
    }

    /** The text with anything shaped like an e-mail address masked. */
    static String mask(String text) {
        return ADDRESS.matcher(text).replaceAll("***");
    }

    @Override
    public String toString() {
        return "MailkitHealthIndicator[smtp=" + smtp + ", imap=" + imap + "]";
    }
}
