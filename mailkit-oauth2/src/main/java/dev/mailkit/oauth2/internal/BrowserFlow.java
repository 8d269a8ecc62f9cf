package dev.mailkit.oauth2.internal;

import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.AuthorizationErrorResponse;
import com.nimbusds.oauth2.sdk.AuthorizationRequest;
import com.nimbusds.oauth2.sdk.AuthorizationResponse;
import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.oauth2.sdk.token.Tokens;
import dev.mailkit.oauth2.OAuth2Exception;
import dev.mailkit.oauth2.SignInExpiredException;

import java.net.URI;

/**
 * The authorization code grant with PKCE (S256) and a loopback redirect (RFC 8252): a one-shot listener on
 * the loopback interface receives the browser's redirect, whose {@code state} must match the request's.
 */
final class BrowserFlow {

    private final DefaultOAuth2 oauth;

    BrowserFlow(DefaultOAuth2 oauth) {
        this.oauth = oauth;
    }

    Tokens run(String account) {
        // Microsoft registers http://localhost (any port); RFC 8252 and most servers prefer the loopback IP.
        String host = oauth.endpoints().isMicrosoft() ? "localhost" : "127.0.0.1";
        try (LoopbackReceiver receiver = LoopbackReceiver.start(host)) {
            URI redirect = receiver.redirectUri();
            CodeVerifier verifier = new CodeVerifier();
            State state = new State();
            AuthorizationRequest request = new AuthorizationRequest.Builder(new ResponseType(ResponseType.Value.CODE),
                    oauth.clientId())
                    .endpointURI(oauth.endpoints().settings().authorizationEndpoint())
                    .redirectionURI(redirect)
                    .scope(oauth.scope())
                    .state(state)
                    .codeChallenge(verifier, CodeChallengeMethod.S256)
                    .customParameter("login_hint", account)
                    .build();
            try {
                oauth.browser().open(request.toURI());
            } catch (Exception e) {
                throw new OAuth2Exception("cannot open the sign-in page", null, null, 0,
                        "open it yourself: " + request.toURI(), e);
            }
            URI callback = receiver.await(oauth.signInTimeout()).orElseThrow(() -> new SignInExpiredException(
                    "the browser did not come back to " + redirect + " within " + oauth.signInTimeout().toMinutes()
                            + " minutes", null, "sign in again and finish in the browser that opens"));
            AuthorizationResponse response;
            try {
                response = AuthorizationResponse.parse(callback);
            } catch (ParseException e) {
                throw new OAuth2Exception("the redirect to " + redirect + " is not an authorization response", null,
                        null, 0, null, null);
            }
            if (!state.equals(response.getState())) {
                throw new OAuth2Exception("the redirect's state does not match the sign-in's: the response was not for "
                        + "this request, and was refused", "invalid_state", null, 0, "sign in again", null);
            }
            if (!response.indicatesSuccess()) {
                AuthorizationErrorResponse error = response.toErrorResponse();
                ErrorObject eo = error.getErrorObject();
                throw OAuth2Http.failure("the sign-in of '" + account + "' failed", eo, 0, account);
            }
            AuthorizationCode code = response.toSuccessResponse().getAuthorizationCode();
            return oauth.requestTokens(new AuthorizationCodeGrant(code, redirect, verifier),
                    oauth.endpoints().settings().tokenEndpoint(), account, null);
        }
    }
}
