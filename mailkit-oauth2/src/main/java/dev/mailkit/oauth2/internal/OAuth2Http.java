package dev.mailkit.oauth2.internal;

import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.TokenErrorResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.token.Tokens;
import dev.mailkit.core.ConnectionOptions;
import dev.mailkit.core.ProxyException;
import dev.mailkit.core.internal.proxy.ProxyFailure;
import dev.mailkit.core.internal.proxy.TunnellingSslSocketFactory;
import dev.mailkit.oauth2.OAuth2Exception;
import dev.mailkit.oauth2.SignInDeniedException;
import dev.mailkit.oauth2.SignInExpiredException;
import dev.mailkit.oauth2.SignInRequiredException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;

/**
 * Sends Nimbus requests to the authorization server with mailkit's timeouts, TLS trust and proxy, and turns
 * error replies into typed exceptions. Logs the endpoint and outcome only, never a parameter. Through a
 * proxy, each request's sockets come from a factory that opens them through it (and the JDK's own proxy
 * selection is switched off for the request, so that it goes nowhere else); only https requests are sent.
 */
final class OAuth2Http {

    private static final Logger LOG = LoggerFactory.getLogger(OAuth2Http.class);

    private final ConnectionOptions options;
    private final javax.net.ssl.SSLSocketFactory sockets;

    OAuth2Http(ConnectionOptions options) {
        this.options = options;
        this.sockets = TunnellingSslSocketFactory.forHttps(options);
    }

    HTTPResponse send(HTTPRequest request) {
        request.setConnectTimeout(millis(options.connectTimeout().toMillis()));
        request.setReadTimeout(millis(options.readTimeout().toMillis()));
        request.setSSLSocketFactory(sockets);
        request.setFollowRedirects(false);
        if (options.proxy().isPresent()) {
            if (!"https".equalsIgnoreCase(request.getURI().getScheme())) {
                throw new OAuth2Exception("not sent through the proxy " + options.proxy().get() + ": " + request.getURI()
                        + " is not https", null, null, 0, "use the authorization server's https endpoints", null);
            }
            request.setProxy(java.net.Proxy.NO_PROXY); // the socket factory goes through mailkit's proxy
        }
        try {
            HTTPResponse response = request.send();
            LOG.debug("{} {} -> HTTP {}", request.getMethod(), request.getURI(), response.getStatusCode());
            return response;
        } catch (IOException e) {
            LOG.debug("{} {} failed: {}", request.getMethod(), request.getURI(), e.getClass().getName());
            ProxyFailure proxy = proxyFailure(e);
            if (proxy != null) {
                ProxyException p = proxy.toException(null, null, e);
                throw new OAuth2Exception("cannot reach the authorization server at " + request.getURI() + ": "
                        + proxy.what(), null, null, 0, proxy.fix(), p);
            }
            throw new OAuth2Exception("cannot reach the authorization server at " + request.getURI() + " ("
                    + reason(e) + ")", null, null, 0,
                    e instanceof javax.net.ssl.SSLException
                            ? "its TLS certificate is not trusted: pass --trust-cert PEM (ConnectionOptions.trustCertificates)"
                            : "check the network and the endpoint URL", e);
        }
    }

    /** The proxy's failure behind a failed request, or null. */
    private static ProxyFailure proxyFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ProxyFailure p) {
                return p;
            }
        }
        return null;
    }

    /** Why a request failed, in words. */
    private static String reason(IOException e) {
        if (e instanceof java.net.ConnectException) {
            return "connection refused";
        }
        if (e instanceof java.net.UnknownHostException) {
            return "unknown host";
        }
        if (e instanceof java.net.SocketTimeoutException || e instanceof java.net.http.HttpTimeoutException) {
            return "timed out";
        }
        if (e instanceof javax.net.ssl.SSLException) {
            return "TLS failed: " + e.getMessage();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /**
     * Sends a token request.
     *
     * @param request the request
     * @param account the account, for hints
     * @return the tokens, or null when the server said {@code authorization_pending} or {@code slow_down}
     *         (then {@code pending} holds the code)
     */
    Tokens token(TokenRequest request, String account, String[] pending) {
        HTTPResponse http = send(request.toHTTPRequest());
        TokenResponse response;
        try {
            response = TokenResponse.parse(http);
        } catch (ParseException e) {
            throw new OAuth2Exception("the token endpoint " + request.getEndpointURI() + " sent a reply that is not "
                    + "an OAuth 2.0 token response (HTTP " + http.getStatusCode() + ")", null, null,
                    http.getStatusCode(), "check the token endpoint URL", null);
        }
        if (response.indicatesSuccess()) {
            return response.toSuccessResponse().getTokens();
        }
        TokenErrorResponse error = response.toErrorResponse();
        ErrorObject eo = error.getErrorObject();
        String code = eo == null ? null : eo.getCode();
        if (pending != null && ("authorization_pending".equals(code) || "slow_down".equals(code))) {
            pending[0] = code;
            return null;
        }
        throw failure("the authorization server refused the token request for '" + account + "'", eo,
                http.getStatusCode(), account);
    }

    static OAuth2Exception failure(String message, ErrorObject eo, int status, String account) {
        String code = eo == null ? null : eo.getCode();
        String description = eo == null ? null : eo.getDescription();
        String hint = Hints.forError(code, description, account);
        if (code == null) {
            return new OAuth2Exception(message + " (HTTP " + status + ")", null, description, status, hint, null);
        }
        return switch (code) {
            case "invalid_grant" -> new SignInRequiredException(message + "; the refresh token or code is no longer valid",
                    code, description, status, Hints.signInAgain(account) + (hint == null || hint.startsWith("Sign in again")
                            ? "" : ". " + hint));
            case "access_denied" -> new SignInDeniedException(message, description, hint);
            case "expired_token" -> new SignInExpiredException(message + "; the device code expired", code, hint);
            default -> new OAuth2Exception(message, code, description, status, hint, null);
        };
    }

    private static int millis(long ms) {
        return (int) Math.min(Integer.MAX_VALUE, ms);
    }
}
