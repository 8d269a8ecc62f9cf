package dev.mailkit.smtp;

import dev.mailkit.core.Credentials;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Derives an Amazon SES SMTP password from an IAM user's secret access key, as AWS documents it in
 * "Obtaining Amazon SES SMTP credentials"
 * (<a href="https://docs.aws.amazon.com/ses/latest/dg/smtp-credentials.html">smtp-credentials.html</a>, with the
 * Python script of
 * <a href="https://docs.aws.amazon.com/ses/latest/dg/ses_example_ses_Scenario_GenerateSmtpCredentials_section.html">the
 * code example</a>): an HMAC-SHA256 chain keyed first with {@code "AWS4" + secret} over the date {@code 11111111},
 * then the Region, the service {@code ses}, the terminal {@code aws4_request} and the message
 * {@code SendRawEmail}; the version byte {@code 0x04} before the last signature; Base64. The SMTP user name is
 * the access key ID. The password differs from Region to Region; the IAM user needs permission to send
 * ({@code ses:SendRawEmail}).
 *
 * <pre>{@code
 * String password = SesSmtpPassword.fromSecretAccessKey(System.getenv("AWS_SECRET_ACCESS_KEY"), "eu-west-1");
 * SmtpSender sender = SmtpSender.builder().provider("ses-eu-west-1")
 *         .credentials(Credentials.password(System.getenv("AWS_ACCESS_KEY_ID"), password)).build();
 * }</pre>
 *
 * <p>No method puts the secret key or the password into an exception message or a log line.
 */
public final class SesSmtpPassword {

    private static final String DATE = "11111111";
    private static final String SERVICE = "ses";
    private static final String MESSAGE = "SendRawEmail";
    private static final String TERMINAL = "aws4_request";
    private static final byte VERSION = 0x04;

    /** An AWS Region name: us-east-1, eu-west-2, us-gov-west-1, ap-southeast-1. */
    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-[0-9]{1,2}");
    private static final Pattern SMTP_HOST = Pattern.compile("email-smtp(?:-fips)?\\.([a-z0-9-]+)\\.amazonaws\\.com\\.?");

    private SesSmtpPassword() {
    }

    /**
     * Derives the SMTP password of a Region from a secret access key.
     *
     * @param secretAccessKey the IAM user's secret access key
     * @param region          the AWS Region whose SMTP endpoint the password is for, for example {@code us-east-1}
     * @return the SMTP password (Base64)
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if the key is empty or the Region is not a Region name (the message names
     *                                  the Region, never the key)
     */
    public static String fromSecretAccessKey(String secretAccessKey, String region) {
        Objects.requireNonNull(secretAccessKey, "secretAccessKey");
        Objects.requireNonNull(region, "region");
        if (secretAccessKey.isEmpty()) {
            throw new IllegalArgumentException("the secret access key is empty");
        }
        String r = region.strip().toLowerCase(Locale.ROOT);
        if (!REGION.matcher(r).matches()) {
            throw new IllegalArgumentException("'" + region + "' is not an AWS Region name (such as us-east-1)");
        }
        byte[] key = ("AWS4" + secretAccessKey).getBytes(StandardCharsets.UTF_8);
        byte[] signature = null;
        try {
            signature = hmac(key, DATE);
            for (String part : new String[] {r, SERVICE, TERMINAL, MESSAGE}) {
                byte[] next = hmac(signature, part);
                Arrays.fill(signature, (byte) 0);
                signature = next;
            }
            byte[] versioned = new byte[signature.length + 1];
            versioned[0] = VERSION;
            System.arraycopy(signature, 0, versioned, 1, signature.length);
            String password = Base64.getEncoder().encodeToString(versioned);
            Arrays.fill(versioned, (byte) 0);
            return password;
        } finally {
            Arrays.fill(key, (byte) 0);
            if (signature != null) {
                Arrays.fill(signature, (byte) 0);
            }
        }
    }

    /**
     * SMTP credentials for Amazon SES from an IAM access key pair: the access key ID as user name, the derived
     * password as the secret.
     *
     * @param accessKeyId     the IAM access key ID (the SMTP user name)
     * @param secretAccessKey the IAM secret access key
     * @param region          the Region of the SMTP endpoint, for example {@code eu-west-1}
     * @return password credentials (their {@code toString()} shows no secret)
     * @throws IllegalArgumentException as {@link #fromSecretAccessKey(String, String)}
     */
    public static Credentials credentials(String accessKeyId, String secretAccessKey, String region) {
        return Credentials.password(accessKeyId, fromSecretAccessKey(secretAccessKey, region));
    }

    /**
     * The Region of an Amazon SES SMTP host, {@code email-smtp.REGION.amazonaws.com} (or its {@code -fips} form).
     *
     * @param smtpHost a host name, for example {@code email-smtp.eu-west-1.amazonaws.com}
     * @return the Region, or empty when the host is not an Amazon SES SMTP endpoint
     */
    public static Optional<String> regionOf(String smtpHost) {
        Matcher m = SMTP_HOST.matcher(Objects.requireNonNull(smtpHost, "smtpHost").strip().toLowerCase(Locale.ROOT));
        return m.matches() && REGION.matcher(m.group(1)).matches() ? Optional.of(m.group(1)) : Optional.empty();
    }

    private static byte[] hmac(byte[] key, String message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            // HmacSHA256 is in every Java platform; the message of this exception never holds the key
            throw new IllegalStateException("HmacSHA256 is not available: " + e.getClass().getName(), null);
        }
    }
}
