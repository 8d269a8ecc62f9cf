package dev.mailkit.core.registry;

import java.util.Objects;

/**
 * What a sending service takes as SMTP user name and password, in words, as its documentation says: for
 * SendGrid the user is the word {@code apikey} and the password an API key; for Amazon SES an SMTP user name
 * and an SMTP password (which {@code dev.mailkit.smtp.SesSmtpPassword} derives from an IAM secret access key).
 * In the provider XML format: {@code <credentials user="..." password="..."/>}.
 *
 * @param user     what goes in the user-name field
 * @param password what goes in the password field
 */
public record CredentialForm(String user, String password) {

    /**
     * Validates.
     *
     * @param user     what goes in the user-name field
     * @param password what goes in the password field
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if an argument is blank
     */
    public CredentialForm {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        user = user.strip();
        password = password.strip();
        if (user.isEmpty() || password.isEmpty()) {
            throw new IllegalArgumentException("credential form: user and password must not be blank");
        }
    }
}
