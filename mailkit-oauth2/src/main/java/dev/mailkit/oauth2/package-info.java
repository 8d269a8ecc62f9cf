/**
 * OAuth 2.0 sign-in for mail accounts: the device authorization grant (RFC 8628), the authorization
 * code grant with PKCE and a loopback redirect (RFC 8252), the refresh-token grant with rotation and the
 * client-credentials grant (Microsoft 365 app-only), driven by a provider's
 * {@link dev.mailkit.core.registry.OAuth2Settings}. {@link dev.mailkit.oauth2.OAuth2} is the entry point; its
 * {@link dev.mailkit.oauth2.OAuth2TokenProvider} plugs into {@link dev.mailkit.core.Credentials#oauth2}.
 * Tokens are kept in a {@link dev.mailkit.oauth2.TokenStore}.
 */
package dev.mailkit.oauth2;
