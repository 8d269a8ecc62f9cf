package dev.mailkit.smtp;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An SMTP server reply: the three-digit code, the RFC 3463 enhanced status code when the server sent
 * one, and the text.
 *
 * @param code     the reply code, for example 550
 * @param enhanced the enhanced status code, for example {@code 5.1.1}
 * @param text     the server's full reply line
 */
public record SmtpReply(int code, Optional<String> enhanced, String text) {

    private static final Pattern ENHANCED = Pattern.compile("^\\d{3}[ -]([245]\\.\\d{1,3}\\.\\d{1,3})\\b");

    /**
     * Validates the reply.
     *
     * @param code     the reply code, for example 550
     * @param enhanced the enhanced status code, for example {@code 5.1.1}
     * @param text     the server's full reply line
     * @throws IllegalArgumentException if the code is not 200..599
     */
    public SmtpReply {
        Objects.requireNonNull(enhanced, "enhanced");
        Objects.requireNonNull(text, "text");
        if (code < 200 || code > 599) {
            throw new IllegalArgumentException("SMTP reply code " + code + " is not in 200..599");
        }
    }

    /**
     * Parses a reply from its code and text; the enhanced code is taken from the text when present.
     *
     * @param code the reply code
     * @param text the reply line(s), for example {@code 550 5.1.1 <x@example.com>: user unknown}
     * @return the reply
     */
    public static SmtpReply of(int code, String text) {
        String t = text == null ? "" : text.strip();
        Matcher m = ENHANCED.matcher(t);
        return new SmtpReply(code, m.find() ? Optional.of(m.group(1)) : Optional.empty(), t);
    }

    /**
     * Whether the reply is a temporary failure (4xx): the same request may succeed later.
     *
     * @return true for a 4xx reply
     */
    public boolean isTransient() {
        return code >= 400 && code < 500;
    }

    /**
     * Whether the reply is a permanent failure (5xx): repeating the request will not help.
     *
     * @return true for a 5xx reply
     */
    public boolean isPermanent() {
        return code >= 500;
    }

    /**
     * Whether this is a 4xx reply whose text says the account sends too fast or too much (rate, limit, quota, too many, throttled).
     *
     * @return true for a 4xx reply about sending rate or volume
     */
    public boolean isRateLimit() {
        String t = text.toLowerCase(java.util.Locale.ROOT);
        boolean words = t.contains("rate") || t.contains("too many") || t.contains("limit") || t.contains("throttl")
                || t.contains("try again later") || t.contains("quota");
        return isTransient() && words;
    }
}
