package dev.mailkit.core.internal.sasl;

import javax.security.auth.callback.Callback;
import javax.security.auth.callback.CallbackHandler;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.sasl.SaslClient;
import javax.security.sasl.SaslException;
import java.nio.charset.StandardCharsets;

/**
 * The client side of SASL OAUTHBEARER (RFC 7628): one initial response carrying the user name and the
 * bearer token; when the server answers with an error challenge (a JSON status), the dummy response
 * {@code %x01} ends the exchange so the server can send its failure. The token is read from the callback
 * handler's password and never kept after the response is built.
 */
public final class OAuthBearerSaslClient implements SaslClient {

    /** The mechanism name. */
    public static final String MECHANISM = "OAUTHBEARER";
    private static final char KV_SEPARATOR = '\u0001';

    private final CallbackHandler callbacks;
    private boolean sent;
    private boolean complete;
    private String serverError;

    /**
     * A client that asks the handler for the user name and token.
     *
     * @param callbacks supplies the user name (NameCallback) and token (PasswordCallback)
     */
    public OAuthBearerSaslClient(CallbackHandler callbacks) {
        this.callbacks = callbacks;
    }

    @Override
    public String getMechanismName() {
        return MECHANISM;
    }

    @Override
    public boolean hasInitialResponse() {
        return true;
    }

    @Override
    public byte[] evaluateChallenge(byte[] challenge) throws SaslException {
        if (!sent) {
            sent = true;
            return initialResponse();
        }
        // A challenge after the initial response is the server's error status (RFC 7628 section 3.2.2).
        serverError = new String(challenge, StandardCharsets.UTF_8);
        complete = true;
        return new byte[] {KV_SEPARATOR};
    }

    private byte[] initialResponse() throws SaslException {
        NameCallback name = new NameCallback("user");
        PasswordCallback token = new PasswordCallback("token", false);
        try {
            callbacks.handle(new Callback[] {name, token});
        } catch (Exception e) {
            throw new SaslException("OAUTHBEARER: cannot obtain the user name and token", e);
        }
        char[] secret = token.getPassword();
        token.clearPassword();
        if (name.getName() == null || secret == null || secret.length == 0) {
            throw new SaslException("OAUTHBEARER: no user name or token");
        }
        StringBuilder b = new StringBuilder("n,a=").append(saslName(name.getName())).append(',')
                .append(KV_SEPARATOR).append("auth=Bearer ").append(secret)
                .append(KV_SEPARATOR).append(KV_SEPARATOR);
        java.util.Arrays.fill(secret, '\0');
        complete = true;
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** RFC 5801 saslname: ',' and '=' escaped. */
    static String saslName(String user) {
        return user.replace("=", "=3D").replace(",", "=2C");
    }

    /** The error status the server sent, when it refused the token (JSON, no secret in it). */
    public String serverError() {
        return serverError;
    }

    @Override
    public boolean isComplete() {
        return complete;
    }

    @Override
    public byte[] unwrap(byte[] incoming, int offset, int len) {
        throw new IllegalStateException("OAUTHBEARER negotiates no security layer");
    }

    @Override
    public byte[] wrap(byte[] outgoing, int offset, int len) {
        throw new IllegalStateException("OAUTHBEARER negotiates no security layer");
    }

    @Override
    public Object getNegotiatedProperty(String propName) {
        if (!complete) {
            throw new IllegalStateException("the OAUTHBEARER exchange is not complete");
        }
        return null;
    }

    @Override
    public void dispose() {
        // nothing is kept
    }

    @Override
    public String toString() {
        return "OAuthBearerSaslClient";
    }
}
