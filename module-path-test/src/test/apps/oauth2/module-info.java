/** An application that signs in with OAuth2 through mailkit on the module path. */
module signin {
    requires dev.mailkit.oauth2;
}
