package dev.mailkit.core;

/** No provider in the registry matches an id, alias, e-mail address or domain. */
public class ProviderNotFoundException extends MailkitException {

    private static final long serialVersionUID = 1L;

    /** The id, address or domain that matched nothing. */
    private final String query;

    /**
     * Creates an exception.
     *
     * @param query the id, address or domain that matched nothing
     */
    public ProviderNotFoundException(String query) {
        super("no provider matches '" + query + "': use a provider id from ProviderRegistry.all(), "
                + "an explicit ServerEndpoint, or register the provider", null);
        this.query = query;
    }

    /**
     * The id, address or domain that matched nothing.
     *
     * @return the id, address or domain looked up
     */
    public String query() {
        return query;
    }
}
