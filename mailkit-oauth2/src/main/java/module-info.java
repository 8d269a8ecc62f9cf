/**
 * mailkit OAuth2 sign-in: the device code, authorization code with PKCE, refresh-token and client-credentials
 * grants, and the token provider that plugs into mailkit's credentials.
 *
 * <p>Exports {@code dev.mailkit.oauth2} and reads mailkit core transitively. The Nimbus OAuth 2.0 SDK
 * it uses stays out of its API.
 */
// "module": the name keeps the Automatic-Module-Name the jar had, terminal digit included;
// "requires-automatic": see the Nimbus requires below.
@SuppressWarnings({"module", "requires-automatic"})
module dev.mailkit.oauth2 {
    exports dev.mailkit.oauth2;

    requires transitive dev.mailkit.core;
    requires org.slf4j;
    // The Nimbus OAuth 2.0 SDK and JSON Smart ship no module descriptor and no Automatic-Module-Name: these
    // are the names the module system derives from their jar files.
    requires oauth2.oidc.sdk;
    requires json.smart;
    // Nimbus JOSE+JWT, which the SDK uses (PKCE, secrets) but, being an automatic module, cannot require.
    requires com.nimbusds.jose.jwt;
    requires java.desktop;         // java.awt.Desktop, to open the system browser
    requires java.net.http;        // HttpTimeoutException, told apart from other failures
    requires jdk.httpserver;       // the loopback redirect receiver
}
