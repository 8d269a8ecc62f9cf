package dev.mailkit.core.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed certificate for {@code localhost} (no IP address in it), made once per JVM with the
 * JDK's keytool, and installed as GreenMail's TLS key before any GreenMail TLS server starts.
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
        try {
            Path dir = Files.createTempDirectory("mailkit-tls");
            dir.toFile().deleteOnExit();
            Path ks = dir.resolve("server.p12");
            Path cert = dir.resolve("server.pem");
            String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
            run(List.of(keytool, "-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048",
                    "-validity", "30", "-dname", "CN=localhost", "-ext", "SAN=dns:localhost",
                    "-keystore", ks.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD, "-keypass", PASSWORD));
            run(List.of(keytool, "-exportcert", "-rfc", "-alias", "server", "-keystore", ks.toString(),
                    "-storepass", PASSWORD, "-file", cert.toString()));
            System.setProperty("greenmail.tls.keystore.file", ks.toString());
            System.setProperty("greenmail.tls.keystore.password", PASSWORD);
            System.setProperty("greenmail.tls.key.password", PASSWORD);
            pem = cert;
            keyStore = ks;
            return pem;
        } catch (IOException e) {
            throw new IllegalStateException("cannot create a test certificate", e);
        }
    }

    /** A server-side TLS context holding the localhost key, for scripted servers that speak TLS. */
    public static synchronized javax.net.ssl.SSLContext serverContext() {
        localhostPem();
        try (java.io.InputStream in = Files.newInputStream(keyStore)) {
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

    /** A certificate for {@code localhost} that expired yesterday (valid for one day, two days ago), as PEM. */
    public static synchronized Path expiredLocalhostPem() {
        if (expiredPem != null) {
            return expiredPem;
        }
        try {
            Path dir = Files.createTempDirectory("mailkit-tls-expired");
            dir.toFile().deleteOnExit();
            Path ks = dir.resolve("expired.p12");
            Path cert = dir.resolve("expired.pem");
            String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
            run(List.of(keytool, "-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048",
                    "-startdate", "-2d", "-validity", "1", "-dname", "CN=localhost", "-ext", "SAN=dns:localhost",
                    "-keystore", ks.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD, "-keypass", PASSWORD));
            run(List.of(keytool, "-exportcert", "-rfc", "-alias", "server", "-keystore", ks.toString(),
                    "-storepass", PASSWORD, "-file", cert.toString()));
            expiredPem = cert;
            expiredKeyStore = ks;
            return cert;
        } catch (IOException e) {
            throw new IllegalStateException("cannot create an expired test certificate", e);
        }
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
