package dev.mailkit.imap.testing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Messages as broken senders, old clients and attackers write them, for the tests of reading mirrored mail:
 * each a name and its exact bytes. What each must give is asserted by the tests that use them.
 */
public final class HostileMime {

    private HostileMime() {
    }

    private static byte[] latin1(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Bytes put together.
     *
     * @param parts the parts
     * @return their concatenation
     */
    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static String b64(String text, Charset cs) {
        return Base64.getEncoder().encodeToString(text.getBytes(cs));
    }

    /** Every message, by name, in a stable order. */
    public static Map<String, byte[]> all() {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("broken-mime", latin1("From: a@example.com\r\nMessage-ID: <mime@x>\r\nSubject: broken\r\n"
                + "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
                + "--b1\r\nContent-Type: text/plain\r\n\r\nno closing boundary, nested --b2 never opened\r\n--b2--\r\n"));
        m.put("bad-encodings", latin1("From: a@example.com\r\nMessage-ID: <enc@x>\r\nSubject: =?x-unknown?Q?caf=C3=A9?=\r\n"
                + "Content-Type: text/plain; charset=x-unknown\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                + "!!!not base64 at all===\r\n=ZZ=\r\n"));
        m.put("eight-bit-headers", concat(latin1("From: "), utf8("Jürgen Größe <j@example.com>"),
                latin1("\r\nSubject: "), new byte[] {(byte) 0xC3, (byte) 0x28, (byte) 0xA0, (byte) 0xFF},
                latin1(" invalid UTF-8 and Latin-1 \u00e9\r\nMessage-ID: <8bit@x>\r\n\r\nbody\r\n")));
        m.put("no-message-id", latin1("From: a@example.com\r\nSubject: none\r\n\r\nno id\r\n"));
        m.put("huge-header", concat(latin1("From: a@example.com\r\nMessage-ID: <huge@x>\r\nSubject: huge header\r\nX-Huge: "),
                latin1("y".repeat(300_000)), latin1("\r\n\r\nsmall body\r\n")));
        m.put("empty", new byte[0]);
        m.put("nul-bytes", concat(latin1("From: a@example.com\r\nMessage-ID: <nul@x>\r\nSubject: nul"), new byte[] {0},
                latin1("here\r\n\r\nbody with "), new byte[] {0, 0}, latin1(" inside\r\n")));
        m.put("bare-lf-cr", latin1("From: a@example.com\nMessage-ID: <lf@x>\nSubject: lf\n\nline one\nline two\rnot a line\r\n"));
        m.put("no-separator", latin1("From: a@example.com\r\nMessage-ID: <nosep@x>\r\nSubject: no body"));
        m.put("nested-100", nested(100));
        m.put("traversal-names", traversalNames());
        m.put("charsets", charsets());
        m.put("cjk-everywhere", cjk());
        m.put("html-only", utf8("From: News <news@example.com>\r\nMessage-ID: <html@x>\r\nSubject: html only\r\n"
                + "MIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
                + "<html><head><title>T</title><style>p{color:red}</style></head><body><script>alert('x')</script>"
                + "<p>Fish &amp; chips &#8364;5 &lt;today&gt;</p><p>second&nbsp;line</p></body></html>\r\n"));
        m.put("inline-image", utf8("From: a@example.com\r\nMessage-ID: <inline@x>\r\nSubject: inline image\r\n"
                + "MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=r\r\n\r\n"
                + "--r\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>see <img src=\"cid:logo@x\"></p>\r\n"
                + "--r\r\nContent-Type: image/png\r\nContent-ID: <logo@x>\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                + Base64.getMimeEncoder().encodeToString(new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3}) + "\r\n--r--\r\n"));
        m.put("forwarded", utf8("From: a@example.com\r\nMessage-ID: <fwd@x>\r\nSubject: Fwd: original\r\n"
                + "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=f\r\n\r\n"
                + "--f\r\nContent-Type: text/plain\r\n\r\nsee below\r\n"
                + "--f\r\nContent-Type: message/rfc822\r\n\r\nFrom: b@example.com\r\nSubject: original\r\n\r\n"
                + "inner body with innerword\r\n--f--\r\n"));
        return m;
    }

    /**
     * Multiparts nested {@code depth} deep, a text part and an attachment at the bottom.
     *
     * @param depth how deep
     * @return the message
     */
    public static byte[] nested(int depth) {
        StringBuilder b = new StringBuilder("From: a@example.com\r\nMessage-ID: <nested@x>\r\nSubject: nested "
                + depth + "\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"n0\"\r\n\r\n");
        for (int i = 1; i < depth; i++) {
            b.append("--n").append(i - 1).append("\r\nContent-Type: multipart/mixed; boundary=\"n").append(i)
                    .append("\"\r\n\r\n");
        }
        b.append("--n").append(depth - 1).append("\r\nContent-Type: text/plain\r\n\r\ndeepest text deepword\r\n");
        b.append("--n").append(depth - 1).append("\r\nContent-Type: application/octet-stream\r\n"
                + "Content-Disposition: attachment; filename=\"deep.bin\"\r\n\r\nDEEP\r\n");
        for (int i = depth - 1; i >= 0; i--) {
            b.append("--n").append(i).append("--\r\n");
        }
        return latin1(b.toString());
    }

    private static byte[] traversalNames() {
        String[] dispositions = {
            "attachment; filename=\"../../x\"",
            "attachment; filename=\"/etc/passwd\"",
            "attachment; filename=\"..\\\\..\\\\win.ini\"",
            "attachment; filename=\"CON.txt\"",
            "attachment; filename=\".hidden\"",
            "attachment; filename*=utf-8''a%E2%80%AEgnp.exe",
            "attachment; filename*=utf-8''..%2F..%2Fy%0D%0A.txt",
            "attachment; filename=\"..\"",
            "attachment",
        };
        StringBuilder b = new StringBuilder("From: a@example.com\r\nMessage-ID: <names@x>\r\nSubject: names\r\n"
                + "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=t\r\n\r\n--t\r\nContent-Type: text/plain\r\n\r\n"
                + "see the attachments\r\n");
        int i = 0;
        for (String d : dispositions) {
            b.append("--t\r\nContent-Type: application/octet-stream\r\nContent-Disposition: ").append(d)
                    .append("\r\nContent-Transfer-Encoding: base64\r\n\r\n")
                    .append(Base64.getEncoder().encodeToString(("payload " + i++).getBytes(StandardCharsets.US_ASCII)))
                    .append("\r\n");
        }
        return latin1(b.append("--t--\r\n").toString());
    }

    private static byte[] charsets() {
        Charset gb = Charset.forName("GB18030");
        Charset sjis = Charset.forName("Shift_JIS");
        return concat(latin1("From: a@example.com\r\nMessage-ID: <cs@x>\r\nSubject: charsets\r\n"
                        + "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=c\r\n\r\n"
                        + "--c\r\nContent-Type: text/plain\r\n\r\n"),
                utf8("no charset, UTF-8 bytes: naïve café\r\n"),
                latin1("--c\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nsaid ascii, sent Latin-1: ni\u00f1o\r\n"),
                latin1("--c\r\nContent-Type: text/plain; charset=\"gb2312\"\r\n\r\n"), "你好，世界\r\n".getBytes(gb),
                latin1("--c\r\nContent-Type: text/plain; charset=shift_jis\r\n\r\n"), "こんにちは世界\r\n".getBytes(sjis),
                latin1("--c\r\nContent-Type: text/plain; charset=iso-2022-jp\r\n\r\n"),
                "日本語のテキスト\r\n".getBytes(Charset.forName("ISO-2022-JP")),
                latin1("--c\r\nContent-Type: text/plain; charset=utf-7\r\n\r\nunknown to Java: plain\r\n--c--\r\n"));
    }

    private static byte[] cjk() {
        return utf8("From: =?UTF-8?B?" + b64("山田太郎", StandardCharsets.UTF_8) + "?= <yamada@example.jp>\r\n"
                + "To: =?UTF-8?B?" + b64("王小明", StandardCharsets.UTF_8) + "?= <wang@example.cn>\r\n"
                + "Cc: =?UTF-8?Q?=F0=9F=98=80_Smiley?= <smile@example.com>\r\n"
                + "Message-ID: <cjk@x>\r\nSubject: =?UTF-8?B?" + b64("会议室预订确认 🎉 東京タワー", StandardCharsets.UTF_8) + "?=\r\n"
                + "Date: Tue, 14 Jan 2025 09:30:00 +0800\r\n"
                + "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=j\r\n\r\n"
                + "--j\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                + Base64.getMimeEncoder().encodeToString("明天下午三点在第二会议室开会。よろしくお願いします。🍣\r\n"
                .getBytes(StandardCharsets.UTF_8)) + "\r\n"
                + "--j\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment;"
                + " filename*=UTF-8''%E8%AD%B0%E4%BA%8B%E9%8C%B2.pdf\r\n\r\n%PDF-1.4\r\n--j--\r\n");
    }
}
