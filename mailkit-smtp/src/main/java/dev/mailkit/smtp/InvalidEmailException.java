package dev.mailkit.smtp;

import dev.mailkit.core.MailkitException;

/** An {@link Email} cannot be built or sent as given: a malformed address, a CR/LF in a header, an unreadable attachment. */
public class InvalidEmailException extends MailkitException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception.
     *
     * @param message what is wrong, naming the field and value
     * @param cause   the underlying failure, or null
     */
    public InvalidEmailException(String message, Throwable cause) {
        super(message, cause);
    }
}
