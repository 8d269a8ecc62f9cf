package dev.mailkit.core;

import java.util.Optional;

/** Provider data (the built-in resource, a clientConfig XML file, an SPI source) is malformed. */
public class ProviderDataException extends InvalidConfigurationException {

    private static final long serialVersionUID = 1L;

    /** The file or source name. */
    private final String source;
    /** The provider id, or null. */
    private final String provider;
    /** The bad field, or null. */
    private final String field;

    /**
     * Creates an exception.
     *
     * @param source   the file or source name
     * @param provider the provider id, or null when not yet known
     * @param field    the bad field, or null
     * @param problem  what is wrong with it
     * @param cause    the underlying failure, or null
     */
    public ProviderDataException(String source, String provider, String field, String problem, Throwable cause) {
        super(source + (provider == null ? "" : ", provider '" + provider + "'")
                + (field == null ? "" : ", field '" + field + "'") + ": " + problem, cause);
        this.source = source;
        this.provider = provider;
        this.field = field;
    }

    /**
     * The file or source name that holds the bad data.
     *
     * @return the file or source name
     */
    public String source() {
        return source;
    }

    /**
     * The provider whose data is bad, when known.
     *
     * @return the provider id, or empty when not known
     */
    public Optional<String> provider() {
        return Optional.ofNullable(provider);
    }

    /**
     * The bad field, when known.
     *
     * @return the field name, or empty when not known
     */
    public Optional<String> field() {
        return Optional.ofNullable(field);
    }
}
