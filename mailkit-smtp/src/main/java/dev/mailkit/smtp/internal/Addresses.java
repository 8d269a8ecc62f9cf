package dev.mailkit.smtp.internal;

import dev.mailkit.smtp.InvalidEmailException;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;

import java.net.IDN;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;

/** Address parsing and header-value checks for {@link dev.mailkit.smtp.Email}. */
public final class Addresses {

    private Addresses() {
    }

    /**
     * Parses {@code addr} or {@code Name <addr>} strictly (RFC 5322), converting an international
     * domain to its ASCII form.
     *
     * @throws InvalidEmailException naming the field and value when it is malformed
     */
    public static InternetAddress parse(String value, String field) {
        if (value == null) {
            throw new InvalidEmailException(field + " address must not be null", null);
        }
        headerValue(value, field);
        InternetAddress parsed;
        try {
            InternetAddress[] all = InternetAddress.parse(value, true);
            if (all.length != 1) {
                throw new InvalidEmailException(field + " '" + value + "' must be exactly one address (got "
                        + all.length + "); pass several addresses as separate arguments", null);
            }
            parsed = all[0];
        } catch (AddressException e) {
            throw new InvalidEmailException(field + " '" + value + "' is not a valid e-mail address: " + e.getMessage(), e);
        }
        return parse(parsed.getAddress(), parsed.getPersonal(), field);
    }

    /**
     * Builds an address from a bare address and an optional display name.
     *
     * @throws InvalidEmailException naming the field and value when it is malformed
     */
    public static InternetAddress parse(String address, String name, String field) {
        if (address == null) {
            throw new InvalidEmailException(field + " address must not be null", null);
        }
        headerValue(address, field);
        if (name != null) {
            headerValue(name, field + " name");
        }
        String a = address.strip();
        int at = a.lastIndexOf('@');
        if (at <= 0 || at == a.length() - 1) {
            throw new InvalidEmailException(field + " '" + address + "' is not a valid e-mail address (local@domain)", null);
        }
        String local = a.substring(0, at);
        String domain;
        try {
            domain = IDN.toASCII(a.substring(at + 1), IDN.USE_STD3_ASCII_RULES);
        } catch (IllegalArgumentException e) {
            throw new InvalidEmailException(field + " '" + address + "' has an invalid domain: " + e.getMessage(), e);
        }
        if (!StandardCharsets.US_ASCII.newEncoder().canEncode(local)) {
            throw new InvalidEmailException(field + " '" + address + "' has a non-ASCII local part, which needs "
                    + "SMTPUTF8 (RFC 6531); mailkit does not send SMTPUTF8 yet", null);
        }
        try {
            InternetAddress result = new Address(local + "@" + domain, name);
            result.validate();
            return result;
        } catch (AddressException e) {
            throw new InvalidEmailException(field + " '" + address + "' is not a valid e-mail address: " + e.getMessage(), e);
        }
    }

    /**
     * What {@code new InternetAddress(address, name, "UTF-8")} makes, with the name encoded by {@link Rfc2047}
     * instead of Jakarta Mail's encoder (which looks its stream provider up through ServiceLoader).
     */
    private static final class Address extends InternetAddress {
        private static final long serialVersionUID = 1L;

        Address(String address, String name) {
            this.address = address;
            this.personal = name;
            this.encodedPersonal = name == null ? null : Rfc2047.encodeWord(name);
        }
    }

    /**
     * Refuses CR and LF (header injection) and NUL.
     *
     * @return the value unchanged
     * @throws InvalidEmailException naming the field
     */
    public static String headerValue(String value, String field) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\r' || c == '\n' || c == 0) {
                throw new InvalidEmailException(field + " must not contain CR, LF or NUL (header injection): '"
                        + value.replace("\r", "\\r").replace("\n", "\\n").replace("\0", "\\0") + "'", null);
            }
        }
        return value;
    }

    /** {@code Name <addr>} with the name in Unicode, or the bare address. */
    public static String display(InternetAddress a) {
        return a.toUnicodeString();
    }

    /** {@link #display(InternetAddress)} for each. */
    public static List<String> display(List<InternetAddress> list) {
        return list.stream().map(Addresses::display).collect(Collectors.toUnmodifiableList());
    }
}
