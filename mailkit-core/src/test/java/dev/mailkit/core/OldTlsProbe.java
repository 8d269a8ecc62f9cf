package dev.mailkit.core;

import dev.mailkit.core.testing.TestCertificates;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Path;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * Run in its own JVM by {@link TlsRefusalTest}, with the JDK's own ban on TLS 1.0/1.1 lifted: starts an
 * SMTPS server that speaks only TLS 1.1, proves a plain JDK client can reach it ("CONTROL OK"), then
 * connects with mailkit and prints what happened ("REFUSED reason" or "CONNECTED").
 */
public final class OldTlsProbe {

    private OldTlsProbe() {
    }

    public static void main(String[] args) throws Exception {
        Path pem = TestCertificates.localhostPem();
        SSLContext server = TestCertificates.serverContext();
        try (SSLServerSocket ss = (SSLServerSocket) server.getServerSocketFactory().createServerSocket(0, 10,
                InetAddress.getLoopbackAddress())) {
            ss.setEnabledProtocols(new String[] {"TLSv1.1"});
            Thread t = new Thread(() -> {
                while (!ss.isClosed()) {
                    try (SSLSocket s = (SSLSocket) ss.accept()) {
                        s.getOutputStream().write("220 old TLS server\r\n".getBytes());
                        s.getOutputStream().flush();
                        InputStream in = s.getInputStream();
                        in.read(); // wait for the client to give up or talk
                    } catch (Exception e) {
                        // handshake refused by the client
                    }
                }
            });
            t.setDaemon(true);
            t.start();

            SSLContext control = SSLContext.getInstance("TLSv1.1");
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            java.security.KeyStore ks = java.security.KeyStore.getInstance(java.security.KeyStore.getDefaultType());
            ks.load(null, null);
            try (InputStream in = java.nio.file.Files.newInputStream(pem)) {
                ks.setCertificateEntry("localhost", java.security.cert.CertificateFactory.getInstance("X.509")
                        .generateCertificate(in));
            }
            tmf.init(ks);
            control.init(null, tmf.getTrustManagers(), null);
            SSLSocketFactory f = control.getSocketFactory();
            try (SSLSocket s = (SSLSocket) f.createSocket("localhost", ss.getLocalPort())) {
                s.setEnabledProtocols(new String[] {"TLSv1.1"});
                s.startHandshake();
                System.out.println("CONTROL OK " + s.getSession().getProtocol());
            }

            MailSession session = MailSession.builder(Protocol.SMTP, ServerEndpoint.of("localhost", ss.getLocalPort(),
                    Security.SSL_TLS)).credentials(Credentials.password("alice", "s3cret-pw"))
                    .options(ConnectionOptions.builder().trustCertificates(pem).build()).build();
            try (var transport = session.connectTransport()) {
                System.out.println("CONNECTED");
            } catch (TlsException e) {
                System.out.println("REFUSED " + e.reason());
            }
        }
    }
}
