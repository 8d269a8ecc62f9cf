package dev.mailkit.oauth2;

import java.net.URI;

/**
 * Shows the authorization page of the authorization-code flow to the user.
 */
@FunctionalInterface
public interface BrowserLauncher {

    /**
     * Opens the page.
     *
     * @param authorizationUrl the page to open; it carries no secret
     * @throws Exception if the page cannot be shown
     */
    void open(URI authorizationUrl) throws Exception;

    /**
     * The system browser through {@link java.awt.Desktop} where the platform supports it; otherwise the
     * URL is printed to standard error for the user to open.
     *
     * @return the launcher
     */
    static BrowserLauncher system() {
        return dev.mailkit.oauth2.internal.SystemBrowser.INSTANCE::open;
    }

    /**
     * Prints the URL to standard error for the user to open (headless machines, SSH sessions).
     *
     * @return the launcher
     */
    static BrowserLauncher print() {
        return url -> System.err.println("Open this page to sign in: " + url);
    }
}
