package dev.mailkit.imap;

import java.util.Objects;

/**
 * One address of a From, To or Cc header of a mirrored message, as the header gives it (groups are
 * flattened into their members).
 *
 * @param name    the display name, decoded (RFC 2047), or empty when there is none
 * @param address the address, for example {@code alice@example.com}; as written, so it may be malformed
 */
public record EmailAddress(String name, String address) {

    /**
     * Validates.
     *
     * @param name    the display name, decoded (RFC 2047), or empty when there is none
     * @param address the address, for example {@code alice@example.com}; as written, so it may be malformed
     * @throws NullPointerException if a component is null
     */
    public EmailAddress {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(address, "address");
    }

    /**
     * The display name, or the address when there is none.
     *
     * @return what a mail reader shows for this address
     */
    public String displayName() {
        return name.isEmpty() ? address : name;
    }

    /** {@code Name <address>}, or the address alone. */
    @Override
    public String toString() {
        return name.isEmpty() ? address : name + " <" + address + ">";
    }
}
