package dev.mailkit.smtp;

import dev.mailkit.smtp.internal.Addresses;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Variable envelope return paths: a bounce address per recipient, so that a bounce names whom it is about
 * without parsing the bounce's text. {@code bounces@example.com} and recipient {@code bob@example.org} give
 * {@code bounces+bob=example.org@example.com} (the delimiters Postfix uses: {@code +} after the local part,
 * {@code =} for the recipient's {@code @}); the server must deliver {@code bounces+anything@} to
 * {@code bounces@} (Postfix: {@code recipient_delimiter = +}; most hosted services do it already).
 *
 * <pre>{@code
 * Email e = Email.builder().from("news@example.com").to(rcpt)
 *         .envelopeFrom(Verp.address("bounces@example.com", rcpt)) ...;
 * // when a bounce arrives at bounces+bob=example.org@example.com:
 * Verp.recipient("bounces@example.com", to).ifPresent(list::markBounced);
 * }</pre>
 */
public final class Verp {

    /** The longest local part SMTP carries (RFC 5321 §4.5.3.1.1). */
    private static final int MAX_LOCAL_PART = 64;

    private Verp() {
    }

    /**
     * The bounce address for one recipient.
     *
     * @param bounceAddress the address bounces go to, for example {@code bounces@example.com}
     * @param recipient     the recipient's bare address
     * @return for example {@code bounces+bob=example.org@example.com}
     * @throws InvalidEmailException if an address is malformed, or the result's local part would be longer
     *                               than the 64 characters SMTP allows (then tag the bounce address with your
     *                               own short id of the recipient instead)
     */
    public static String address(String bounceAddress, String recipient) {
        String bounce = Addresses.parse(Objects.requireNonNull(bounceAddress, "bounceAddress"), "bounce address").getAddress();
        String rcpt = Addresses.parse(Objects.requireNonNull(recipient, "recipient"), "recipient").getAddress();
        int at = bounce.lastIndexOf('@');
        int rat = rcpt.lastIndexOf('@');
        String local = bounce.substring(0, at) + "+" + rcpt.substring(0, rat) + "=" + rcpt.substring(rat + 1);
        if (local.length() > MAX_LOCAL_PART || local.contains("\"")) {
            throw new InvalidEmailException("the VERP address for " + rcpt + " would have a local part of "
                    + local.length() + " characters (SMTP allows 64, unquoted): tag " + bounce
                    + " with a short id of the recipient instead", null);
        }
        return local + bounce.substring(at);
    }

    /**
     * The recipient a VERP address was made for.
     *
     * @param bounceAddress the address bounces go to
     * @param verpAddress   the address a bounce arrived at
     * @return the recipient, or empty when {@code verpAddress} is not a VERP address of {@code bounceAddress}
     */
    public static Optional<String> recipient(String bounceAddress, String verpAddress) {
        if (bounceAddress == null || verpAddress == null) {
            return Optional.empty();
        }
        String v = verpAddress.strip();
        if (v.startsWith("<") && v.endsWith(">")) {
            v = v.substring(1, v.length() - 1);
        }
        int at = bounceAddress.lastIndexOf('@');
        int vat = v.lastIndexOf('@');
        if (at <= 0 || vat <= 0) {
            return Optional.empty();
        }
        String prefix = bounceAddress.substring(0, at) + "+";
        // the local part keeps its case (RFC 5321), the domain is compared without
        if (!v.substring(vat + 1).toLowerCase(Locale.ROOT).equals(bounceAddress.substring(at + 1).toLowerCase(Locale.ROOT))
                || !v.startsWith(prefix)) {
            return Optional.empty();
        }
        String tag = v.substring(prefix.length(), vat);
        int eq = tag.lastIndexOf('=');
        if (eq <= 0 || eq == tag.length() - 1) {
            return Optional.empty();
        }
        return Optional.of(tag.substring(0, eq) + "@" + tag.substring(eq + 1));
    }
}
