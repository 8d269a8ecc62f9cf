package dev.mailkit.oauth2;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What the user must do to approve a device-code sign-in: open {@link #verificationUri()} on any device
 * and enter {@link #userCode()}. Immutable.
 */
public final class DeviceCodePrompt {

    private final URI verificationUri;
    private final URI verificationUriComplete;
    private final String userCode;
    private final Duration expiresIn;

    /**
     * Creates a prompt.
     *
     * @param verificationUri         the page where the user enters the code
     * @param verificationUriComplete the page with the code filled in, or null
     * @param userCode                the code the user types
     * @param expiresIn               how long the code is valid
     */
    public DeviceCodePrompt(URI verificationUri, URI verificationUriComplete, String userCode, Duration expiresIn) {
        this.verificationUri = Objects.requireNonNull(verificationUri, "verificationUri");
        this.verificationUriComplete = verificationUriComplete;
        this.userCode = Objects.requireNonNull(userCode, "userCode");
        this.expiresIn = Objects.requireNonNull(expiresIn, "expiresIn");
    }

    /**
     * The page where the user enters the code.
     *
     * @return the page where the user enters the code
     */
    public URI verificationUri() {
        return verificationUri;
    }

    /**
     * The page with the code already filled in, when the server offers one.
     *
     * @return the page with the code already filled in, when the server offers one
     */
    public Optional<URI> verificationUriComplete() {
        return Optional.ofNullable(verificationUriComplete);
    }

    /**
     * The code the user types on the verification page.
     *
     * @return the code the user types on the verification page
     */
    public String userCode() {
        return userCode;
    }

    /**
     * How long the code stays valid.
     *
     * @return how long the code stays valid
     */
    public Duration expiresIn() {
        return expiresIn;
    }

    /**
     * The instruction to show the user, for example "To sign in, open https://... and enter ABCD-EFGH".
     *
     * @return the instruction to show the user, for example "To sign in, open https://... and enter ABCD-EFGH"
     */
    public String message() {
        return "To sign in, open " + verificationUri + " and enter the code " + userCode
                + " (valid for " + expiresIn.toMinutes() + " minutes)";
    }

    @Override
    public String toString() {
        return "DeviceCodePrompt[" + verificationUri + ", code " + userCode + "]";
    }
}
