package dev.mailkit.smtp.internal.dkim;

import dev.mailkit.core.MailkitException;
import dev.mailkit.smtp.Dkim;
import org.apache.james.jdkim.DKIMCommon;
import org.apache.james.jdkim.api.Headers;
import org.apache.james.jdkim.api.SignatureRecord;
import org.apache.james.jdkim.exceptions.PermFailException;
import org.apache.james.jdkim.impl.BodyHasherImpl;
import org.apache.james.jdkim.tagvalue.SignatureRecordTemplate;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.InvalidParameterException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Base64;
import java.lang.reflect.Proxy;

/**
 * Signs a message as it is sent: given the message's bytes (CRLF line ends, exactly what goes out), returns
 * the {@code DKIM-Signature} header line to write before them. The body is hashed and the header fields
 * canonicalised by jDKIM (relaxed/relaxed); the signature is made with the JDK ({@code SHA256withRSA}, or
 * Ed25519 over the SHA-256 hash of the canonical header data as RFC 8463 defines {@code ed25519-sha256}).
 * Thread-safe: every call makes its own objects.
 */
public final class DkimSigner {

    private final List<Dkim> settings;

    /**
     * A signer.
     *
     * @param settings one signature's settings each, at least one
     */
    public DkimSigner(List<Dkim> settings) {
        this.settings = List.copyOf(settings);
    }

    /**
     * The settings.
     *
     * @return one signature's settings each
     */
    public List<Dkim> settings() {
        return settings;
    }

    /**
     * The signature header lines for a message, one per signature, in the order given.
     *
     * @param message the message as sent, CRLF line ends
     * @param length  how many bytes of {@code message} are the message
     * @return {@code DKIM-Signature: ...} lines, folded, each ending in CRLF, as bytes
     * @throws MailkitException if signing fails (the key is refused by the JDK)
     */
    public byte[] signatureLine(byte[] message, int length) {
        StringBuilder lines = new StringBuilder();
        for (Dkim dkim : settings) {
            lines.append(signatureLine(dkim, message, length));
        }
        return lines.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static String signatureLine(Dkim dkim, byte[] message, int length) {
        int bodyStart = bodyStart(message, length);
        int headerEnd = bodyStart < 0 ? length : bodyStart - 2; // keep the last field's CRLF, drop the blank line
        Fields fields = Fields.parse(message, headerEnd);
        List<String> signed = new ArrayList<>();
        for (String h : dkim.signedHeaders()) {
            int count = fields.count(h);
            for (int i = 0; i < count; i++) {
                signed.add(h.toLowerCase(Locale.ROOT));
            }
        }
        signed.add("from"); // over-signed: a From added later breaks the signature
        String tags = "v=1; a=" + dkim.algorithm().tag() + "; c=relaxed/relaxed; d=" + dkim.domain() + "; s="
                + dkim.selector() + "; t=" + System.currentTimeMillis() / 1000 + "; h=" + String.join(":", signed);
        try {
            SignatureRecord record = new SignatureRecordTemplate(tags + "; bh=; b=;");
            BodyHasherImpl body = new BodyHasherImpl(record);
            try (OutputStream out = body.getOutputStream()) {
                if (bodyStart >= 0) {
                    out.write(message, bodyStart, length - bodyStart);
                }
            }
            // RFC 6376 §3.4.4 (relaxed): a body of nothing but white space and empty lines is canonically
            // empty; jDKIM hashes it as one CRLF, as the simple algorithm would
            byte[] bh = blank(message, bodyStart, length)
                    ? MessageDigest.getInstance("SHA-256").digest() : body.getDigest();
            // The header as it is sent, folded, with b= last and empty: what the verifier hashes, once it
            // has removed b='s value
            String unsigned = Folder.fold("DKIM-Signature: " + tags + "; bh="
                    + Base64.getEncoder().encodeToString(bh) + "; b=");
            record.setBodyHash(bh);
            Signature signature = dkim.algorithm() == Dkim.Algorithm.RSA_SHA256
                    ? Signature.getInstance("SHA256withRSA") : new Ed25519Sha256();
            signature.initSign(dkim.privateKey());
            Canonical.headers(fields, withStub(record, unsigned.substring("DKIM-Signature:".length())),
                    record.getHeaders(), signature);
            String b = Base64.getEncoder().encodeToString(signature.sign());
            return Folder.appendValue(unsigned, b);
        } catch (GeneralSecurityException | PermFailException | IOException | RuntimeException e) {
            throw new MailkitException("DKIM signing for " + dkim.domain() + " failed: " + e.getMessage(), e);
        }
    }

    /** Whether the body is only spaces, tabs and line ends (or absent). */
    private static boolean blank(byte[] m, int from, int length) {
        if (from < 0) {
            return true;
        }
        for (int i = from; i < length; i++) {
            byte c = m[i];
            if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
                return false;
            }
        }
        return true;
    }

    /** The record, whose unsigned form is the header text given (jDKIM's own puts the tags in another order). */
    private static SignatureRecord withStub(SignatureRecord record, String unsigned) {
        return (SignatureRecord) Proxy.newProxyInstance(SignatureRecord.class.getClassLoader(),
                new Class<?>[] {SignatureRecord.class}, (proxy, method, args) -> {
                    if (method.getName().equals("toUnsignedString") && method.getParameterCount() == 0) {
                        return unsigned;
                    }
                    try {
                        return method.invoke(record, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /** Index of the first body byte (after the CRLF CRLF ending the header), or -1 when there is no body. */
    private static int bodyStart(byte[] m, int length) {
        if (length >= 2 && m[0] == '\r' && m[1] == '\n') {
            return 2;
        }
        for (int i = 0; i + 3 < length; i++) {
            if (m[i] == '\r' && m[i + 1] == '\n' && m[i + 2] == '\r' && m[i + 3] == '\n') {
                return i + 4;
            }
        }
        return -1;
    }

    /**
     * Folds the signature header at most 78 characters a line: after the {@code ;} between tags, after the
     * {@code :} between header names in {@code h=}, and inside the {@code b=} value. Relaxed header
     * canonicalisation makes a fold after {@code "; "} equal to the space it replaces; inside {@code h=} the
     * fold is part of what is signed (the unsigned header is folded before it is hashed); verifiers drop the
     * {@code b=} value, folds included, before hashing.
     */
    static final class Folder {
        private Folder() {
        }

        static String fold(String header) {
            StringBuilder out = new StringBuilder();
            int line = 0;
            String[] tags = header.split("; ");
            for (int i = 0; i < tags.length; i++) {
                String tag = tags[i] + (i < tags.length - 1 ? ";" : "");
                if (i > 0) {
                    if (line + 1 + tag.length() > 78) {
                        out.append("\r\n\t");
                        line = 1;
                    } else {
                        out.append(' ');
                        line++;
                    }
                }
                if (tag.startsWith("h=") && line + tag.length() > 78) {
                    String[] names = tag.split(":");
                    for (int j = 0; j < names.length; j++) {
                        String name = names[j] + (j < names.length - 1 ? ":" : "");
                        if (j > 0 && line + name.length() > 78) {
                            out.append("\r\n\t");
                            line = 1;
                        }
                        out.append(name);
                        line += name.length();
                    }
                } else {
                    out.append(tag);
                    line += tag.length();
                }
            }
            return out.toString();
        }

        /** The header with {@code value} appended (after its final {@code b=}), split over lines, and CRLF. */
        static String appendValue(String header, String value) {
            StringBuilder out = new StringBuilder(header);
            int line = header.length() - header.lastIndexOf('\n') - 1;
            int at = 0;
            while (at < value.length()) {
                int take = Math.min(Math.max(1, 78 - line), value.length() - at);
                out.append(value, at, at + take);
                at += take;
                line += take;
                if (at < value.length()) {
                    out.append("\r\n\t");
                    line = 1;
                }
            }
            return out.append("\r\n").toString();
        }
    }

    /** The header fields of a message, raw (name, colon, value with its folds), by lower-case name, in order. */
    static final class Fields implements Headers {
        private final List<String> all = new ArrayList<>();
        private final Map<String, List<String>> byName = new LinkedHashMap<>();

        static Fields parse(byte[] m, int end) {
            // jDKIM canonicalises with String.getBytes(): decode with the same charset, so bytes come back unchanged
            Charset cs = Charset.defaultCharset();
            Fields f = new Fields();
            int start = 0;
            for (int i = 0; i + 1 < end; i++) {
                if (m[i] == '\r' && m[i + 1] == '\n') {
                    boolean continued = i + 2 < end && (m[i + 2] == ' ' || m[i + 2] == '\t');
                    if (!continued) {
                        f.add(new String(m, start, i - start, cs));
                        start = i + 2;
                    }
                    i++;
                }
            }
            if (start < end) {
                f.add(new String(m, start, end - start, cs).stripTrailing());
            }
            return f;
        }

        private void add(String field) {
            int colon = field.indexOf(':');
            if (colon <= 0) {
                return; // not a header field: not signable
            }
            all.add(field);
            byName.computeIfAbsent(field.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(field);
        }

        int count(String name) {
            return byName.getOrDefault(name.toLowerCase(Locale.ROOT), List.of()).size();
        }

        @Override
        public List<String> getFields() {
            return all;
        }

        @Override
        public List<String> getFields(String name) {
            return byName.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
        }
    }

    /** jDKIM's header canonicalisation, fed to any {@link Signature}. */
    private static final class Canonical extends DKIMCommon {
        static void headers(Headers h, SignatureRecord record, List<CharSequence> names, Signature s)
                throws SignatureException, PermFailException {
            signatureCheck(h, record, names, s);
        }
    }

    /**
     * {@code ed25519-sha256} (RFC 8463 §3): the canonical header data is hashed with SHA-256, and the hash
     * is signed with PureEdDSA Ed25519.
     */
    static final class Ed25519Sha256 extends Signature {
        private final MessageDigest sha256;
        private PrivateKey key;

        Ed25519Sha256() throws NoSuchAlgorithmException {
            super("ed25519-sha256");
            sha256 = MessageDigest.getInstance("SHA-256");
        }

        @Override
        protected void engineInitVerify(PublicKey publicKey) throws InvalidKeyException {
            throw new InvalidKeyException("signing only");
        }

        @Override
        protected void engineInitSign(PrivateKey privateKey) {
            this.key = privateKey;
            sha256.reset();
        }

        @Override
        protected void engineUpdate(byte b) {
            sha256.update(b);
        }

        @Override
        protected void engineUpdate(byte[] b, int off, int len) {
            sha256.update(b, off, len);
        }

        @Override
        protected byte[] engineSign() throws SignatureException {
            try {
                Signature ed = Signature.getInstance("Ed25519");
                ed.initSign(key);
                ed.update(sha256.digest());
                return ed.sign();
            } catch (NoSuchAlgorithmException | InvalidKeyException e) {
                throw new SignatureException(e.getMessage(), e);
            }
        }

        @Override
        protected boolean engineVerify(byte[] sigBytes) throws SignatureException {
            throw new SignatureException("signing only");
        }

        @Override
        @Deprecated
        protected void engineSetParameter(String param, Object value) {
            throw new InvalidParameterException(param);
        }

        @Override
        @Deprecated
        protected Object engineGetParameter(String param) {
            throw new InvalidParameterException(param);
        }
    }
}
