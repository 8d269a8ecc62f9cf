package dev.mailkit.core.internal;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.util.HexFormat;

/**
 * The few DER structures mailkit builds around keys that come in PKCS#1 form (OpenSSL's "traditional" RSA
 * keys, bare RSA keys in DKIM records), so that the JDK's key factories, which read only PKCS#8 and
 * SubjectPublicKeyInfo, can take them.
 */
public final class Der {

    /** AlgorithmIdentifier { rsaEncryption, NULL }. */
    private static final byte[] RSA_ALGORITHM = HexFormat.of().parseHex("300d06092a864886f70d0101010500");

    private Der() {
    }

    /**
     * An RSA public key in PKCS#1 form as a SubjectPublicKeyInfo.
     *
     * @param pkcs1 the RSAPublicKey structure
     * @return the SubjectPublicKeyInfo, for {@code X509EncodedKeySpec}
     */
    public static byte[] rsaPublicKeyInfo(byte[] pkcs1) {
        ByteArrayOutputStream bitString = new ByteArrayOutputStream();
        bitString.write(0); // no unused bits
        bitString.writeBytes(pkcs1);
        return sequence(RSA_ALGORITHM, tlv(0x03, bitString.toByteArray()));
    }

    /**
     * An RSA private key in PKCS#1 form as a PKCS#8 PrivateKeyInfo.
     *
     * @param pkcs1 the RSAPrivateKey structure
     * @return the PrivateKeyInfo, for {@code PKCS8EncodedKeySpec}
     */
    public static byte[] rsaPrivateKeyInfo(byte[] pkcs1) {
        return sequence(new byte[] {0x02, 0x01, 0x00}, RSA_ALGORITHM, tlv(0x04, pkcs1));
    }

    private static byte[] sequence(byte[]... parts) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            body.writeBytes(p);
        }
        return tlv(0x30, body.toByteArray());
    }

    /**
     * One DER element.
     *
     * @param tag     the tag byte
     * @param content the content
     * @return tag, definite length, content
     */
    public static byte[] tlv(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
        out.write(tag);
        int n = content.length;
        if (n < 0x80) {
            out.write(n);
        } else {
            byte[] len = BigInteger.valueOf(n).toByteArray();
            int skip = len[0] == 0 ? 1 : 0;
            out.write(0x80 | (len.length - skip));
            out.write(len, skip, len.length - skip);
        }
        out.writeBytes(content);
        return out.toByteArray();
    }
}
