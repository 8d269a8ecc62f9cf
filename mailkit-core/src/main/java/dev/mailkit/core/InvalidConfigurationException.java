package dev.mailkit.core;

/** A configuration cannot work: for example a plaintext endpoint without {@code allowPlaintext()}, or an unreadable certificate file. */
public class InvalidConfigurationException extends MailkitException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception.
     *
     * @param message what is wrong and how to fix it
     * @param cause   the underlying failure, or null
     */
    public InvalidConfigurationException(String message, Throwable cause) {
        super(message, cause);
    }
}
