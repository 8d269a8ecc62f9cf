package dev.mailkit.core.registry;

/**
 * What a provider in the registry is: a mailbox provider, found by its users' e-mail domains, or a sending
 * service, a relay that sends mail for domains its customers own and is found only by id or alias.
 */
public enum ProviderKind {
    /** Hosts mailboxes: found by e-mail domain or MX host; IMAP and SMTP for its users' addresses. */
    MAILBOX,
    /**
     * A transactional or bulk sending service (an SMTP relay such as Amazon SES or SendGrid): SMTP only, no user
     * domains; found by id or alias, never by an address's domain. Its login is described by
     * {@link ProviderSettings#credentialForm()}.
     */
    SENDING_SERVICE
}
