package dev.mailkit.core.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed certificate for {@code localhost} (no IP address in it; also for {@code mail.example.test}, a
 * dotted name, which a client puts in its TLS handshake as SNI where it does not put {@code localhost}),
 * made once per JVM with the JDK's keytool, and installed as GreenMail's TLS key before any GreenMail TLS
 * server starts.
 */
public final class TestCertificates {

    private static final String PASSWORD = "changeit";
    private static Path pem;
    private static Path keyStore;
    private static Path expiredPem;
    private static Path expiredKeyStore;

    private TestCertificates() {
    }

    /** Generates the key pair (once), points GreenMail at it, and returns the certificate as a PEM file. */
    public static synchronized Path localhostPem() {
        if (pem != null) {
            return pem;
        }
        Path[] made = generate("mailkit-tls", "server", List.of("-validity", "30"));
        System.setProperty("greenmail.tls.keystore.file", made[0].toString());
        System.setProperty("greenmail.tls.keystore.password", PASSWORD);
        System.setProperty("greenmail.tls.key.password", PASSWORD);
        keyStore = made[0];
        pem = made[1];
        return pem;
    }

    /** A self-signed localhost key in a new PKCS12 store, and its certificate as PEM: {store, pem}. */
    private static Path[] generate(String dirPrefix, String name, List<String> validity) {
        try {
            Path dir = Files.createTempDirectory(dirPrefix);
            dir.toFile().deleteOnExit();
            Path ks = dir.resolve(name + ".p12");
            Path cert = dir.resolve(name + ".pem");
            String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
            List<String> gen = new java.util.ArrayList<>(List.of(keytool, "-genkeypair", "-alias", "server", "-keyalg", "RSA",
                    "-keysize", "2048"));
            gen.addAll(validity);
            gen.addAll(List.of("-dname", "CN=localhost", "-ext", "SAN=dns:localhost,dns:mail.example.test", "-keystore", ks.toString(),
                    "-storetype", "PKCS12", "-storepass", PASSWORD, "-keypass", PASSWORD));
            run(gen);
            run(List.of(keytool, "-exportcert", "-rfc", "-alias", "server", "-keystore", ks.toString(),
                    "-storepass", PASSWORD, "-file", cert.toString()));
            return new Path[] {ks, cert};
        } catch (IOException e) {
            throw new IllegalStateException("cannot create a test certificate", e);
        }
    }

    /** A server-side TLS context holding the localhost key, for scripted servers that speak TLS. */
    public static synchronized javax.net.ssl.SSLContext serverContext() {
        localhostPem();
        return context(keyStore);
    }

    /** A certificate for {@code localhost} that expired yesterday (valid for one day, two days ago), as PEM. */
    public static synchronized Path expiredLocalhostPem() {
        if (expiredPem == null) {
            Path[] made = generate("mailkit-tls-expired", "expired", List.of("-startdate", "-2d", "-validity", "1"));
            expiredKeyStore = made[0];
            expiredPem = made[1];
        }
        return expiredPem;
    }

    /** A server-side TLS context holding the expired localhost key. */
    public static synchronized javax.net.ssl.SSLContext expiredServerContext() {
        expiredLocalhostPem();
        return context(expiredKeyStore);
    }

    private static javax.net.ssl.SSLContext context(Path store) {
        try (java.io.InputStream in = Files.newInputStream(store)) {
            java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
            ks.load(in, PASSWORD.toCharArray());
            javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance(
                    javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, PASSWORD.toCharArray());
            javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), null, null);
            return ctx;
        } catch (IOException | java.security.GeneralSecurityException e) {
            throw new IllegalStateException("cannot load the test key", e);
        }
    }

    private static void run(List<String> cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("keytool failed: " + new String(p.getInputStream().readAllBytes()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
