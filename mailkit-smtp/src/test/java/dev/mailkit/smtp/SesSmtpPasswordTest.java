package dev.mailkit.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SES SMTP password against an independent computation: AWS's documented algorithm (the Python script of
 * "Obtaining Amazon SES SMTP credentials"), run by Python's standard library for random keys and Regions.
 */
class SesSmtpPasswordTest {

    /** AWS's algorithm as its Python script states it, reading "secret region" lines on standard input. */
    private static final String AWS_SCRIPT = String.join("\n",
            "import base64, hashlib, hmac, sys",
            "def sign(key, msg):",
            "    return hmac.new(key, msg.encode('utf-8'), hashlib.sha256).digest()",
            "def calculate_key(secret_access_key, region):",
            "    signature = sign(('AWS4' + secret_access_key).encode('utf-8'), '11111111')",
            "    signature = sign(signature, region)",
            "    signature = sign(signature, 'ses')",
            "    signature = sign(signature, 'aws4_request')",
            "    signature = sign(signature, 'SendRawEmail')",
            "    return base64.b64encode(bytes([0x04]) + signature).decode('utf-8')",
            "for line in sys.stdin:",
            "    secret, region = line.split()",
            "    print(calculate_key(secret, region))",
            "");

    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    @Test
    void matchesAwsAlgorithmRunByPython_forRandomKeysAndRegions(@TempDir Path dir) throws Exception {
        String python = python();
        if (python == null) {
            assertThat(System.getenv("CI")).as("CI is set but there is no python3 to run AWS's algorithm").isNull();
        }
        assumeTrue(python != null, "no python3 on this machine");
        SecureRandom random = new SecureRandom();
        List<String> regions = List.of("us-east-1", "us-east-2", "us-west-2", "eu-west-1", "eu-central-1",
                "ap-southeast-2", "sa-east-1", "us-gov-west-1", "ca-central-1", "eu-south-1");
        List<String[]> cases = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            StringBuilder secret = new StringBuilder();
            for (int j = 0; j < 40; j++) {
                secret.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
            }
            cases.add(new String[] {secret.toString(), regions.get(random.nextInt(regions.size()))});
        }
        Path script = Files.writeString(dir.resolve("ses_smtp.py"), AWS_SCRIPT);
        Process p = new ProcessBuilder(python, script.toString()).redirectErrorStream(true).start();
        StringBuilder input = new StringBuilder();
        cases.forEach(c -> input.append(c[0]).append(' ').append(c[1]).append('\n'));
        p.getOutputStream().write(input.toString().getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        List<String> expected = out.lines().toList();
        assertThat(expected).hasSize(cases.size());
        for (int i = 0; i < cases.size(); i++) {
            assertThat(SesSmtpPassword.fromSecretAccessKey(cases.get(i)[0], cases.get(i)[1]))
                    .as("case %d, region %s", i, cases.get(i)[1]).isEqualTo(expected.get(i));
        }
    }

    @Test
    void awsExampleKey_givesTheVersion4Password() {
        // AWS's documentation example secret key; the values were computed with AWS's Python script
        String secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
        assertThat(SesSmtpPassword.fromSecretAccessKey(secret, "us-east-1")).isEqualTo("BLBM/9hSUELfq8Gw+rU1YcBjkOxGbhT2XG763xVLGWL9");
        assertThat(SesSmtpPassword.fromSecretAccessKey(secret, "EU-WEST-1 ")).isEqualTo("BMW5RDrXmmVs0lV7GpI4oLkHXpZ4stDsk6q91z1g38Pk");
        byte[] raw = Base64.getDecoder().decode(SesSmtpPassword.fromSecretAccessKey(secret, "us-east-1"));
        assertThat(raw).hasSize(33);
        assertThat(raw[0]).isEqualTo((byte) 0x04);
        assertThat(SesSmtpPassword.fromSecretAccessKey(secret, "us-east-1"))
                .isNotEqualTo(SesSmtpPassword.fromSecretAccessKey(secret, "us-east-2"));
    }

    @Test
    void badInput_isRefused_withoutTheSecretInTheMessage() {
        String secret = "s3cr3t-KEY-never-shown-0123456789abcdefgh";
        assertThatThrownBy(() -> SesSmtpPassword.fromSecretAccessKey(secret, "not a region"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a region")
                .hasMessageNotContaining(secret);
        assertThatThrownBy(() -> SesSmtpPassword.fromSecretAccessKey("", "us-east-1"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SesSmtpPassword.fromSecretAccessKey(null, "us-east-1"))
                .isInstanceOf(NullPointerException.class).hasMessage("secretAccessKey");
        var credentials = SesSmtpPassword.credentials("AKIAEXAMPLE", secret, "eu-west-1");
        assertThat(credentials.username()).isEqualTo("AKIAEXAMPLE");
        assertThat(credentials.secret()).isEqualTo(SesSmtpPassword.fromSecretAccessKey(secret, "eu-west-1"));
        assertThat(credentials.toString()).doesNotContain(secret).doesNotContain(credentials.secret());
    }

    @Test
    void regionOf_readsTheSesSmtpHost() {
        assertThat(SesSmtpPassword.regionOf("email-smtp.eu-west-1.amazonaws.com")).contains("eu-west-1");
        assertThat(SesSmtpPassword.regionOf("EMAIL-SMTP.us-gov-west-1.amazonaws.com.")).contains("us-gov-west-1");
        assertThat(SesSmtpPassword.regionOf("email-smtp-fips.us-east-1.amazonaws.com")).contains("us-east-1");
        assertThat(SesSmtpPassword.regionOf("smtp.sendgrid.net")).isEmpty();
        assertThat(SesSmtpPassword.regionOf("email-smtp.evil.example.com")).isEmpty();
    }

    private static String python() {
        for (String candidate : List.of("/usr/bin/python3", "python3")) {
            try {
                Process p = new ProcessBuilder(candidate, "-c", "print(1)").redirectErrorStream(true).start();
                if (p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    return candidate;
                }
            } catch (IOException | InterruptedException e) {
                // try the next one
            }
        }
        return null;
    }
}
