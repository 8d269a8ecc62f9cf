package dev.mailkit.smtp;

import java.time.Duration;

/**
 * Totals of a {@link SmtpSender#sendAll(Iterable, java.util.function.Consumer)} run.
 *
 * @param sent     messages accepted for at least one recipient
 * @param failed   messages not sent
 * @param duration wall-clock time of the whole run
 */
public record BatchSummary(long sent, long failed, Duration duration) {
}
