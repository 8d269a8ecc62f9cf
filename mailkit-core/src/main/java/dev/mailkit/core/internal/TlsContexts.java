package dev.mailkit.core.internal;

import dev.mailkit.core.InvalidConfigurationException;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** Builds TLS contexts: the JDK default, or one trusting exactly a given set of certificates. */
public final class TlsContexts {

    /** The TLS versions mailkit allows, newest first. */
    public static final String PROTOCOLS = "TLSv1.3 TLSv1.2";

    private TlsContexts() {
    }

    /** The JDK's default context (system trust store). */
    public static SSLContext systemDefault() {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, null, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM cannot create a TLS context", e);
        }
    }

    /** A context whose only trust anchors are the certificates in the given key store. */
    public static SSLContext trusting(KeyStore trusted) {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trusted);
            javax.net.ssl.TrustManager[] managers = tmf.getTrustManagers();
            for (int i = 0; i < managers.length; i++) {
                if (managers[i] instanceof javax.net.ssl.X509ExtendedTrustManager x) {
                    managers[i] = new ValidityCheckingTrustManager(x); // anchors' dates are not checked by PKIX
                }
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, managers, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new InvalidConfigurationException("cannot use the given trust store: " + e.getMessage(), e);
        }
    }

    /** Loads every certificate of a PEM file into a new in-memory key store. */
    public static KeyStore loadPem(Path pem) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(pem);
        } catch (IOException e) {
            throw new InvalidConfigurationException("cannot read trusted certificate file " + pem + ": " + e, e);
        }
        if (!new String(bytes, StandardCharsets.US_ASCII).contains("-----BEGIN CERTIFICATE-----")) {
            throw new InvalidConfigurationException("trusted certificate file " + pem
                    + " holds no '-----BEGIN CERTIFICATE-----' block", null);
        }
        try {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(bytes));
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            int i = 0;
            for (Certificate c : certs) {
                ks.setCertificateEntry("trusted-" + i++, c);
            }
            return ks;
        } catch (GeneralSecurityException | IOException e) {
            throw new InvalidConfigurationException("trusted certificate file " + pem + " is not valid PEM: " + e.getMessage(), e);
        }
    }
}
