package dev.mailkit.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailkit.core.AuthenticationException;
import dev.mailkit.core.ConnectionException;
import dev.mailkit.core.ConnectionOptions;
import dev.mailkit.core.MailkitException;
import dev.mailkit.core.Protocol;
import dev.mailkit.core.Security;
import dev.mailkit.core.ServerEndpoint;
import dev.mailkit.core.TlsException;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import java.io.IOException;
import java.net.UnknownHostException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertificateExpiredException;
import javax.net.ssl.SSLHandshakeException;
import org.eclipse.angus.mail.util.MailConnectException;
import org.eclipse.angus.mail.util.SocketConnectException;
import org.junit.jupiter.api.Test;

/** Failures that Jakarta Mail, Angus Mail or the JDK give a type are classified by that type, whatever their text. */
class ExceptionTypesTest {

    private static final ServerEndpoint SERVER = ServerEndpoint.of("smtp.example.com", 587, Security.STARTTLS);

    private static MailkitException translate(Throwable t) {
        return ExceptionTranslator.translate(t, Protocol.SMTP, SERVER, ConnectionOptions.defaults(), "use an app password");
    }

    private static SSLHandshakeException handshake(Throwable cause) {
        SSLHandshakeException e = new SSLHandshakeException("x");
        e.initCause(cause);
        return e;
    }

    @Test
    void aRefusedLogin_isAnAuthenticationFailure_withTheServersReplyAndTheHint() {
        assertThat(translate(new AuthenticationFailedException("535 5.7.8 nope")))
                .isInstanceOfSatisfying(AuthenticationException.class, e -> {
                    assertThat(e.serverReply()).contains("535 5.7.8 nope");
                    assertThat(e.getMessage()).contains("use an app password");
                });
    }

    @Test
    void anUntrustedChain_isFoundByItsCertPathType_evenWithoutTheJdksWording() {
        assertThat(translate(new MessagingException("x", handshake(new CertPathBuilderException("x")))))
                .isInstanceOfSatisfying(TlsException.class,
                        e -> assertThat(e.reason()).isEqualTo(TlsException.Reason.UNTRUSTED_CERTIFICATE));
    }

    @Test
    void anExpiredCertificate_isFoundByItsType() {
        assertThat(translate(new MessagingException("x", handshake(new CertificateExpiredException("x")))))
                .isInstanceOfSatisfying(TlsException.class,
                        e -> assertThat(e.reason()).isEqualTo(TlsException.Reason.CERTIFICATE_EXPIRED));
    }

    @Test
    void anUnknownHost_isAConnectionFailureNamingTheHost() {
        assertThat(translate(new MessagingException("x", new UnknownHostException("x"))))
                .isInstanceOf(ConnectionException.class).hasMessageContaining("smtp.example.com");
    }

    @Test
    void angusConnectFailure_isAConnectionFailure_byItsType() {
        MailConnectException e = new MailConnectException(
                new SocketConnectException("x", new IOException("x"), "smtp.example.com", 587, 1000));
        assertThat(translate(new RuntimeException("x", e))).isInstanceOf(ConnectionException.class)
                .isNotInstanceOf(AuthenticationException.class);
    }
}
