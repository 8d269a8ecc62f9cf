package dev.mailkit.oauth2.internal;

import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.as.AuthorizationServerMetadata;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import dev.mailkit.core.registry.OAuth2Settings;
import dev.mailkit.oauth2.OAuth2Exception;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The endpoints of one authorization server: the registry's, with Microsoft's tenant applied, and the
 * device authorization and revocation endpoints derived for Microsoft and Google or read from the
 * server's metadata (RFC 8414) when needed.
 */
final class Endpoints {

    private static final String MICROSOFT_HOST = "login.microsoftonline.com";

    private final OAuth2Settings settings;
    private final URI deviceAuthorization;
    private final URI revocation;
    private final OAuth2Http http;
    private volatile AuthorizationServerMetadata metadata;
    private volatile boolean metadataTried;

    Endpoints(OAuth2Settings registry, String tenant, List<String> scopes, URI deviceAuthorization, URI revocation,
              OAuth2Http http) {
        URI authorization = withTenant(registry.authorizationEndpoint(), tenant);
        URI token = withTenant(registry.tokenEndpoint(), tenant);
        this.settings = new OAuth2Settings(registry.issuer(), authorization, token,
                scopes == null ? registry.scopes() : scopes);
        this.deviceAuthorization = deviceAuthorization;
        this.revocation = revocation;
        this.http = http;
    }

    OAuth2Settings settings() {
        return settings;
    }

    boolean isMicrosoft() {
        return MICROSOFT_HOST.equalsIgnoreCase(settings.tokenEndpoint().getHost());
    }

    /** The tenant segment of Microsoft's endpoints, or null elsewhere. */
    String microsoftTenant() {
        if (!isMicrosoft()) {
            return null;
        }
        String[] parts = settings.tokenEndpoint().getPath().split("/");
        return parts.length > 1 ? parts[1] : null;
    }

    URI deviceAuthorization() {
        if (deviceAuthorization != null) {
            return deviceAuthorization;
        }
        URI token = settings.tokenEndpoint();
        if (isMicrosoft()) { // https://login.microsoftonline.com/{tenant}/oauth2/v2.0/devicecode
            return token.resolve(token.getPath().replaceFirst("/token$", "/devicecode"));
        }
        if ("oauth2.googleapis.com".equalsIgnoreCase(token.getHost())) {
            return URI.create("https://oauth2.googleapis.com/device/code");
        }
        return metadata().map(AuthorizationServerMetadata::getDeviceAuthorizationEndpointURI).filter(Endpoints::https)
                .orElseThrow(() -> new OAuth2Exception("no device authorization endpoint is known for "
                        + settings.issuer(), null, null, 0, "the provider may not offer the device flow: sign in "
                        + "with --browser, or set the endpoint with OAuth2.Builder.deviceAuthorizationEndpoint", null));
    }

    Optional<URI> revocation() {
        if (revocation != null) {
            return Optional.of(revocation);
        }
        if ("oauth2.googleapis.com".equalsIgnoreCase(settings.tokenEndpoint().getHost())) {
            return Optional.of(URI.create("https://oauth2.googleapis.com/revoke"));
        }
        if (isMicrosoft()) {
            return Optional.empty(); // Microsoft has no RFC 7009 endpoint
        }
        return metadata().map(AuthorizationServerMetadata::getRevocationEndpointURI).filter(Endpoints::https);
    }

    /** Endpoints from metadata are used only over HTTPS, like the registry's. */
    private static boolean https(URI uri) {
        return "https".equalsIgnoreCase(uri.getScheme());
    }

    private Optional<AuthorizationServerMetadata> metadata() {
        if (!metadataTried) {
            URI base = settings.tokenEndpoint().resolve("/");
            for (String path : List.of(".well-known/oauth-authorization-server", ".well-known/openid-configuration")) {
                try {
                    HTTPResponse r = http.send(new HTTPRequest(HTTPRequest.Method.GET, base.resolve(path)));
                    if (r.getStatusCode() == 200) {
                        metadata = AuthorizationServerMetadata.parse(r.getBodyAsJSONObject());
                        break;
                    }
                } catch (OAuth2Exception e) {
                    if (e.getCause() instanceof java.io.IOException
                            || e.getCause() instanceof dev.mailkit.core.ConnectionException) {
                        throw e; // unreachable, untrusted or a failing proxy: say so, not "no endpoint"
                    }
                } catch (ParseException e) {
                    // not metadata: try the next location
                }
            }
            metadataTried = true;
        }
        return Optional.ofNullable(metadata);
    }

    static URI withTenant(URI endpoint, String tenant) {
        if (tenant == null || !MICROSOFT_HOST.equalsIgnoreCase(endpoint.getHost())) {
            return endpoint;
        }
        String path = endpoint.getPath();
        int second = path.indexOf('/', 1);
        if (second < 0) {
            return endpoint;
        }
        return endpoint.resolve("/" + tenant.toLowerCase(Locale.ROOT) + path.substring(second));
    }
}
