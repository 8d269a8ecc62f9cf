package dev.mailkit.core.discovery;

import dev.mailkit.core.internal.discovery.HttpsAutoconfigSource;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/**
 * Fetches a domain's Thunderbird {@code clientConfig} document. Tests pass a fake;
 * {@link #https(Duration)} asks the domain's own autoconfig server over HTTPS.
 */
@FunctionalInterface
public interface AutoconfigSource {

    /**
     * Fetches the clientConfig XML for a domain.
     *
     * @param domain       the e-mail domain
     * @param emailAddress the full address (some servers tailor the answer to it)
     * @return the XML text, or empty when the domain publishes none
     * @throws IOException if fetching fails
     */
    Optional<String> fetch(String domain, String emailAddress) throws IOException;

    /**
     * Asks {@code https://autoconfig.DOMAIN/mail/config-v1.1.xml} and then
     * {@code https://DOMAIN/.well-known/autoconfig/mail/config-v1.1.xml}; never plain HTTP.
     *
     * @param timeout how long each request may take
     * @return the source
     */
    static AutoconfigSource https(Duration timeout) {
        return new HttpsAutoconfigSource(timeout);
    }

    /** A source that finds nothing, to switch the autoconfig step off. */
    static AutoconfigSource none() {
        return (domain, email) -> Optional.empty();
    }
}
