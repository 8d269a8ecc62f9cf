package dev.mailkit.core.internal.deliverability;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;

/**
 * DKIM public keys as DNS publishes them: RSA as base64 SubjectPublicKeyInfo (or, as some signers publish it,
 * a bare PKCS#1 RSAPublicKey), Ed25519 as the base64 of the raw 32-byte key (RFC 8463 §4.2).
 */
final class DkimKeys {

    /** The DER that starts an Ed25519 SubjectPublicKeyInfo; the 32-byte key follows. */
    private static final byte[] ED25519_SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

    private DkimKeys() {
    }

    /**
     * A key as published.
     *
     * @param type     {@code rsa} or {@code ed25519}
     * @param bits     the RSA modulus length, or 256 for Ed25519
     * @param rsa      the RSA key, or null
     * @param ed25519  the raw Ed25519 key, or null
     */
    record Published(String type, int bits, RSAPublicKey rsa, byte[] ed25519) {
    }

    /**
     * Reads the key of a DKIM record.
     *
     * @param k the key type ({@code k=}, {@code rsa} when absent)
     * @param p the key ({@code p=}), spaces allowed
     * @return the key
     * @throws IllegalArgumentException with the reason when it is not a key of that type
     */
    static Published decode(String k, String p) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(p.replaceAll("\\s+", ""));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("p= is not base64");
        }
        String type = k == null ? "rsa" : k.toLowerCase(Locale.ROOT);
        if (type.equals("ed25519")) {
            if (bytes.length != 32) {
                throw new IllegalArgumentException("an ed25519 key is 32 bytes, not " + bytes.length
                        + (bytes.length == 44 ? " (this looks like a SubjectPublicKeyInfo: RFC 8463 publishes the raw 32 bytes)" : ""));
            }
            return new Published("ed25519", 256, null, bytes);
        }
        if (!type.equals("rsa")) {
            throw new IllegalArgumentException("k=" + k + " is not a key type DKIM knows (rsa, ed25519)");
        }
        RSAPublicKey rsa = rsa(bytes);
        if (rsa == null) {
            rsa = rsa(dev.mailkit.core.internal.Der.rsaPublicKeyInfo(bytes));
        }
        if (rsa == null) {
            throw new IllegalArgumentException("p= is not an RSA public key");
        }
        return new Published("rsa", rsa.getModulus().bitLength(), rsa, null);
    }

    private static RSAPublicKey rsa(byte[] spki) {
        try {
            return (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(spki));
        } catch (GeneralSecurityException | ClassCastException | IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * The DKIM key type of a key.
     *
     * @param key the key
     * @return {@code rsa}, {@code ed25519}, or null for a key DKIM cannot use
     */
    static String type(PublicKey key) {
        if (key instanceof RSAPublicKey) {
            return "rsa";
        }
        return ed25519Raw(key) != null ? "ed25519" : null;
    }

    /**
     * The size of a key.
     *
     * @param key an RSA or Ed25519 key
     * @return the RSA modulus length, or 256 for Ed25519
     */
    static int bits(PublicKey key) {
        return key instanceof RSAPublicKey r ? r.getModulus().bitLength() : 256;
    }

    /** The raw 32 bytes of an Ed25519 key, or null when it is not one. */
    static byte[] ed25519Raw(PublicKey key) {
        byte[] spki = key.getEncoded();
        if (spki == null || spki.length != ED25519_SPKI_PREFIX.length + 32
                || !Arrays.equals(spki, 0, ED25519_SPKI_PREFIX.length, ED25519_SPKI_PREFIX, 0, ED25519_SPKI_PREFIX.length)) {
            return null;
        }
        return Arrays.copyOfRange(spki, ED25519_SPKI_PREFIX.length, spki.length);
    }

    /**
     * The DKIM record that publishes a key: {@code v=DKIM1; k=rsa; p=<SubjectPublicKeyInfo>} or
     * {@code v=DKIM1; k=ed25519; p=<raw key>}.
     *
     * @param key an RSA or Ed25519 public key
     * @return the record's text
     * @throws IllegalArgumentException for another kind of key
     */
    static String recordFor(PublicKey key) {
        String type = type(key);
        if (type == null) {
            throw new IllegalArgumentException("DKIM signs with RSA or Ed25519 keys, not " + key.getAlgorithm());
        }
        byte[] material = type.equals("rsa") ? key.getEncoded() : ed25519Raw(key);
        return "v=DKIM1; k=" + type + "; p=" + Base64.getEncoder().encodeToString(material);
    }

    /**
     * Whether a published key is this key: the same RSA modulus and exponent (what the SubjectPublicKeyInfo
     * encodes), or the same 32 Ed25519 bytes.
     *
     * @param key       the key signatures are made with
     * @param published the key in DNS
     * @return true when they are the same key
     */
    static boolean same(PublicKey key, Published published) {
        if (key instanceof RSAPublicKey r) {
            return published.rsa() != null && r.getModulus().equals(published.rsa().getModulus())
                    && r.getPublicExponent().equals(published.rsa().getPublicExponent());
        }
        byte[] raw = ed25519Raw(key);
        return raw != null && published.ed25519() != null && Arrays.equals(raw, published.ed25519());
    }
}
