package dev.mailkit.oauth2.internal;

import java.awt.Desktop;
import java.awt.GraphicsEnvironment;
import java.net.URI;

/** Opens a page in the desktop browser where there is one, else prints its address. */
public enum SystemBrowser {
    /** The one instance. */
    INSTANCE;

    /**
     * Opens the page, or prints it to standard error on a headless machine.
     *
     * @param url the page
     */
    public void open(URI url) {
        try {
            if (!GraphicsEnvironment.isHeadless() && Desktop.isDesktopSupported()
                    && Desktop.getDesktop().isSupported(Desktop.Action.BROWSE)) {
                Desktop.getDesktop().browse(url);
                System.err.println("Your browser was opened to sign in. If it was not, open: " + url);
                return;
            }
        } catch (Exception | LinkageError e) {
            // fall through to printing the address
        }
        System.err.println("Open this page in a browser to sign in: " + url);
    }
}
