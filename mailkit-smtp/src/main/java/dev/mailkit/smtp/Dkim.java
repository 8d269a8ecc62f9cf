package dev.mailkit.smtp;

import dev.mailkit.core.InvalidConfigurationException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.interfaces.RSAKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How {@link SmtpSender} signs what it sends with DKIM (RFC 6376): the signing domain ({@code d=}), the
 * selector ({@code s=}) under which the public key is published at {@code <selector>._domainkey.<domain>},
 * and the private key. The algorithm follows the key: {@code rsa-sha256} for an RSA key (at least 1,024 bits;
 * 2,048 recommended, RFC 8301), {@code ed25519-sha256} for an Ed25519 key (RFC 8463). Header and body are
 * canonicalised relaxed/relaxed. {@code From} is signed twice ("over-signed"), so that no second From can be
 * added without breaking the signature; the other fields of {@link #DEFAULT_HEADERS} are signed where present.
 *
 * <pre>{@code
 * SmtpSender sender = SmtpSender.builder(account)
 *         .dkim(Dkim.fromPemFile("example.com", "mail2026", Path.of("dkim-private.pem")))
 *         .build();
 * }</pre>
 *
 * <p>Immutable. {@link #toString()} names the domain, selector and algorithm, never the key.
 */
public final class Dkim {

    /** The header fields signed by default, where the message has them. */
    public static final List<String> DEFAULT_HEADERS = List.of("From", "Reply-To", "Sender", "To", "Cc", "Subject",
            "Date", "Message-ID", "In-Reply-To", "References", "MIME-Version", "Content-Type",
            "Content-Transfer-Encoding", "List-Unsubscribe", "List-Unsubscribe-Post", "List-Id", "Feedback-ID");

    private static final Pattern DOMAIN = Pattern.compile(
            "(?i)(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");
    private static final Pattern HEADER_NAME = Pattern.compile("[\\x21-\\x39\\x3b-\\x7e]+");

    /** A signing algorithm. */
    public enum Algorithm {
        /** RSA with SHA-256 (RFC 6376). */
        RSA_SHA256("rsa-sha256"),
        /** Ed25519 over SHA-256 (RFC 8463). */
        ED25519_SHA256("ed25519-sha256");

        private final String tag;

        Algorithm(String tag) {
            this.tag = tag;
        }

        /**
         * The algorithm as the {@code a=} tag names it.
         *
         * @return for example {@code rsa-sha256}
         */
        public String tag() {
            return tag;
        }
    }

    private final String domain;
    private final String selector;
    private final PrivateKey key;
    private final Algorithm algorithm;
    private final List<String> headers;

    private Dkim(String domain, String selector, PrivateKey key, Algorithm algorithm, List<String> headers) {
        this.domain = domain;
        this.selector = selector;
        this.key = key;
        this.algorithm = algorithm;
        this.headers = headers;
    }

    /**
     * Signs for {@code domain} with a key.
     *
     * @param domain   the signing domain ({@code d=}), for alignment with DMARC the From address's domain or
     *                 a parent of it
     * @param selector the selector ({@code s=})
     * @param key      an RSA (at least 1,024 bits) or Ed25519 private key
     * @return the settings
     * @throws InvalidConfigurationException if the domain or selector is not a DNS name, or the key is of
     *                                       another kind or too short
     */
    public static Dkim of(String domain, String selector, PrivateKey key) {
        Objects.requireNonNull(key, "key");
        String d = name(domain, "DKIM domain");
        String s = name(selector, "DKIM selector");
        Algorithm a;
        String k = key.getAlgorithm();
        if ("RSA".equalsIgnoreCase(k)) {
            a = Algorithm.RSA_SHA256;
            if (key instanceof RSAKey rsa && rsa.getModulus().bitLength() < 1024) {
                throw new InvalidConfigurationException("the DKIM key for " + d + " has " + rsa.getModulus().bitLength()
                        + " bits; verifiers ignore RSA keys under 1,024 bits (RFC 8301): use a 2,048-bit key", null);
            }
        } else if ("Ed25519".equalsIgnoreCase(k) || "EdDSA".equalsIgnoreCase(k)) {
            a = Algorithm.ED25519_SHA256;
        } else {
            throw new InvalidConfigurationException("a DKIM key must be RSA or Ed25519, not " + k, null);
        }
        return new Dkim(d, s, key, a, DEFAULT_HEADERS);
    }

    /**
     * Signs for {@code domain} with a private key in PEM: PKCS#8 ({@code BEGIN PRIVATE KEY}, RSA or Ed25519,
     * as {@code openssl genpkey} writes it) or PKCS#1 ({@code BEGIN RSA PRIVATE KEY}, as {@code opendkim-genkey}
     * writes it).
     *
     * @param domain   the signing domain
     * @param selector the selector
     * @param pem      the key file's text
     * @return the settings
     * @throws InvalidConfigurationException if the text holds no such key (the message never quotes the key)
     */
    public static Dkim fromPem(String domain, String selector, String pem) {
        return of(domain, selector, privateKey(Objects.requireNonNull(pem, "pem"), "the DKIM key"));
    }

    /**
     * Like {@link #fromPem}, reading the key from a file.
     *
     * @param domain   the signing domain
     * @param selector the selector
     * @param pemFile  the key file
     * @return the settings
     * @throws InvalidConfigurationException if the file cannot be read or holds no such key
     */
    public static Dkim fromPemFile(String domain, String selector, Path pemFile) {
        String text;
        try {
            text = Files.readString(pemFile, StandardCharsets.US_ASCII);
        } catch (IOException | RuntimeException e) {
            throw new InvalidConfigurationException("cannot read the DKIM key " + pemFile + ": " + e.getMessage(), e);
        }
        return of(domain, selector, privateKey(text, "the DKIM key " + pemFile));
    }

    /**
     * The same settings signing these header fields (where present) instead of {@link #DEFAULT_HEADERS};
     * {@code From} is always signed, twice.
     *
     * @param names header field names
     * @return new settings
     * @throws InvalidConfigurationException if a name is malformed, or is {@code Bcc} or {@code DKIM-Signature}
     */
    public Dkim headers(String... names) {
        List<String> list = new ArrayList<>();
        list.add("From");
        for (String n : names) {
            Objects.requireNonNull(n, "header name");
            if (!HEADER_NAME.matcher(n).matches()) {
                throw new InvalidConfigurationException("'" + n + "' is not a header field name", null);
            }
            String lower = n.toLowerCase(Locale.ROOT);
            if (lower.equals("bcc") || lower.equals("dkim-signature")) {
                throw new InvalidConfigurationException(n + " cannot be DKIM-signed: it is not sent as signed", null);
            }
            if (!lower.equals("from") && list.stream().noneMatch(h -> h.equalsIgnoreCase(n))) {
                list.add(n);
            }
        }
        return new Dkim(domain, selector, key, algorithm, List.copyOf(list));
    }

    /**
     * The signing domain.
     *
     * @return the {@code d=} domain, in lower case
     */
    public String domain() {
        return domain;
    }

    /**
     * The selector.
     *
     * @return the {@code s=} selector
     */
    public String selector() {
        return selector;
    }

    /**
     * The algorithm, which follows the key.
     *
     * @return the algorithm
     */
    public Algorithm algorithm() {
        return algorithm;
    }

    /**
     * The header fields signed where present.
     *
     * @return the names
     */
    public List<String> signedHeaders() {
        return headers;
    }

    /**
     * The private key.
     *
     * @return the key
     */
    public PrivateKey privateKey() {
        return key;
    }

    /**
     * Where the public key must be published.
     *
     * @return {@code <selector>._domainkey.<domain>}
     */
    public String recordName() {
        return selector + "._domainkey." + domain;
    }

    @Override
    public String toString() {
        return "Dkim[domain=" + domain + ", selector=" + selector + ", algorithm=" + algorithm.tag() + "]";
    }

    private static String name(String value, String what) {
        Objects.requireNonNull(value, what);
        String v = value.endsWith(".") ? value.substring(0, value.length() - 1) : value;
        if (!DOMAIN.matcher(v).matches()) {
            throw new InvalidConfigurationException(what + " '" + value + "' is not a DNS name", null);
        }
        return v.toLowerCase(Locale.ROOT);
    }

    /** A private key from PEM text: PKCS#8 (RSA or Ed25519) or PKCS#1 RSA. */
    static PrivateKey privateKey(String pem, String what) {
        String type;
        if (pem.contains("-----BEGIN PRIVATE KEY-----")) {
            type = "PRIVATE KEY";
        } else if (pem.contains("-----BEGIN RSA PRIVATE KEY-----")) {
            type = "RSA PRIVATE KEY";
        } else if (pem.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----")) {
            throw new InvalidConfigurationException(what + " is encrypted: give it unencrypted"
                    + " (openssl pkey -in KEY -out PLAIN)", null);
        } else {
            throw new InvalidConfigurationException(what + " holds no PEM private key (BEGIN PRIVATE KEY or"
                    + " BEGIN RSA PRIVATE KEY)", null);
        }
        int start = pem.indexOf("-----BEGIN " + type + "-----") + ("-----BEGIN " + type + "-----").length();
        int end = pem.indexOf("-----END " + type + "-----", start);
        if (end < 0) {
            throw new InvalidConfigurationException(what + " has no END " + type + " line", null);
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(pem.substring(start, end).trim());
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationException(what + " is not valid Base64 PEM", null);
        }
        if (type.equals("RSA PRIVATE KEY")) {
            der = dev.mailkit.core.internal.Der.rsaPrivateKeyInfo(der);
        }
        for (String algorithm : List.of("RSA", "Ed25519")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException | RuntimeException e) {
                // try the next kind
            }
        }
        throw new InvalidConfigurationException(what + " is neither an RSA nor an Ed25519 private key", null);
    }
}
