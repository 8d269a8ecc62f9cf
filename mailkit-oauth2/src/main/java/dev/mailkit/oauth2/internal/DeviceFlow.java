package dev.mailkit.oauth2.internal;

import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.device.DeviceAuthorizationRequest;
import com.nimbusds.oauth2.sdk.device.DeviceAuthorizationResponse;
import com.nimbusds.oauth2.sdk.device.DeviceAuthorizationSuccessResponse;
import com.nimbusds.oauth2.sdk.device.DeviceCodeGrant;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.token.Tokens;
import dev.mailkit.oauth2.DeviceCodePrompt;
import dev.mailkit.oauth2.OAuth2Exception;
import dev.mailkit.oauth2.SignInExpiredException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The device authorization grant (RFC 8628): asks for a device and user code, shows the user where to
 * enter it, then polls the token endpoint at the server's interval, five seconds slower after each
 * {@code slow_down}, until the user approves or declines or the code expires.
 */
final class DeviceFlow {

    private static final Logger LOG = LoggerFactory.getLogger(DeviceFlow.class);
    private static final long SLOW_DOWN_SECONDS = 5;

    private final DefaultOAuth2 oauth;

    DeviceFlow(DefaultOAuth2 oauth) {
        this.oauth = oauth;
    }

    Tokens run(String account, Consumer<DeviceCodePrompt> prompt) {
        URI endpoint = oauth.endpoints().deviceAuthorization();
        DeviceAuthorizationRequest.Builder rb = oauth.hasSecret()
                ? new DeviceAuthorizationRequest.Builder(oauth.clientAuthentication())
                : new DeviceAuthorizationRequest.Builder(oauth.clientId());
        DeviceAuthorizationRequest request = rb.endpointURI(endpoint).scope(oauth.scope()).build();
        HTTPResponse http = oauth.http().send(request.toHTTPRequest());
        DeviceAuthorizationResponse response;
        try {
            response = DeviceAuthorizationResponse.parse(http);
        } catch (ParseException e) {
            throw new OAuth2Exception("the device authorization endpoint " + endpoint + " sent a reply that is not an "
                    + "RFC 8628 response (HTTP " + http.getStatusCode() + ")", null, null, http.getStatusCode(),
                    "check the endpoint URL", null);
        }
        if (!response.indicatesSuccess()) {
            throw OAuth2Http.failure("the authorization server refused to start a device sign-in for '" + account + "'",
                    response.toErrorResponse().getErrorObject(), http.getStatusCode(), account);
        }
        DeviceAuthorizationSuccessResponse ok = response.toSuccessResponse();
        long lifetime = ok.getLifetime() > 0 ? ok.getLifetime() : 900;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(lifetime); // elapsed time, not the token clock
        prompt.accept(new DeviceCodePrompt(ok.getVerificationURI(), ok.getVerificationURIComplete(),
                ok.getUserCode().getValue(), Duration.ofSeconds(lifetime)));
        long interval = ok.getInterval() > 0 ? ok.getInterval() : 5;
        DeviceCodeGrant grant = new DeviceCodeGrant(ok.getDeviceCode());
        String[] pending = new String[1];
        while (true) {
            sleep(Duration.ofSeconds(interval));
            if (System.nanoTime() - deadline >= 0) {
                throw new SignInExpiredException("the device code for '" + account + "' expired before the sign-in was "
                        + "approved", "expired_token", Hints.forError("expired_token", null, account));
            }
            pending[0] = null;
            Tokens tokens = oauth.requestTokens(grant, oauth.endpoints().settings().tokenEndpoint(), account, pending);
            if (tokens != null) {
                return tokens;
            }
            if ("slow_down".equals(pending[0])) {
                interval += SLOW_DOWN_SECONDS;
                LOG.debug("the server asked to poll more slowly: every {} s", interval);
            }
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OAuth2Exception("the device sign-in was interrupted", null, null, 0, null, e);
        }
    }
}
