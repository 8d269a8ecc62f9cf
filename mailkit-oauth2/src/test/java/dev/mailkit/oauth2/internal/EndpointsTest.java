package dev.mailkit.oauth2.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailkit.core.ConnectionOptions;
import dev.mailkit.core.registry.ProviderRegistry;
import dev.mailkit.oauth2.OAuth2;
import java.net.URI;
import org.junit.jupiter.api.Test;

class EndpointsTest {

    private static final ProviderRegistry REGISTRY = ProviderRegistry.defaults();

    private static Endpoints endpoints(String provider, String tenant) {
        return new Endpoints(REGISTRY.byId(provider).orElseThrow().oauth2().orElseThrow(), tenant, null, null, null,
                new OAuth2Http(ConnectionOptions.defaults()));
    }

    @Test
    void microsoftTenant_replacesCommonInBothEndpoints() {
        Endpoints e = endpoints("outlook", "consumers");
        assertThat(e.settings().authorizationEndpoint())
                .isEqualTo(URI.create("https://login.microsoftonline.com/consumers/oauth2/v2.0/authorize"));
        assertThat(e.settings().tokenEndpoint())
                .isEqualTo(URI.create("https://login.microsoftonline.com/consumers/oauth2/v2.0/token"));
        assertThat(e.microsoftTenant()).isEqualTo("consumers");
        assertThat(endpoints("microsoft365", "contoso.onmicrosoft.com").settings().tokenEndpoint())
                .isEqualTo(URI.create("https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token"));
    }

    @Test
    void deviceEndpoints_areDerivedForMicrosoftAndGoogle() {
        assertThat(endpoints("outlook", "organizations").deviceAuthorization())
                .isEqualTo(URI.create("https://login.microsoftonline.com/organizations/oauth2/v2.0/devicecode"));
        assertThat(endpoints("gmail", null).deviceAuthorization())
                .isEqualTo(URI.create("https://oauth2.googleapis.com/device/code"));
        assertThat(endpoints("gmail", null).revocation()).contains(URI.create("https://oauth2.googleapis.com/revoke"));
        assertThat(endpoints("outlook", null).revocation()).isEmpty();
    }

    @Test
    void tenant_leavesOtherProvidersAlone() {
        Endpoints google = endpoints("gmail", "consumers");
        assertThat(google.settings().tokenEndpoint()).isEqualTo(URI.create("https://oauth2.googleapis.com/token"));
        assertThat(google.isMicrosoft()).isFalse();
        assertThat(google.microsoftTenant()).isNull();
    }

    @Test
    void builder_appliesTheTenantToTheSettingsItReports() {
        OAuth2 oauth = OAuth2.builder().provider(REGISTRY.byId("outlook").orElseThrow()).clientId("app-id")
                .microsoftTenant("organizations").build();
        assertThat(oauth.settings().tokenEndpoint().getPath()).startsWith("/organizations/");
        assertThat(oauth.settings().scopes()).contains("offline_access");
    }
}
