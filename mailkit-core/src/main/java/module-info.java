/**
 * mailkit core: server endpoints, credentials, connection and TLS options, safe Jakarta Mail sessions,
 * the typed exceptions, the provider registry, discovery for unknown domains and connection diagnostics.
 *
 * <p>Exports {@code dev.mailkit.core}, {@code dev.mailkit.core.registry}, {@code dev.mailkit.core.discovery}
 * and {@code dev.mailkit.core.diagnostics}. Jakarta Mail is read transitively, since {@link
 * dev.mailkit.core.MailSession} hands out its sessions, stores and transports. Extra provider settings are
 * found through {@link java.util.ServiceLoader} as {@link dev.mailkit.core.registry.ProviderSource} services.
 */
@SuppressWarnings("module") // the qualified exports name modules built after this one
module dev.mailkit.core {
    exports dev.mailkit.core;
    exports dev.mailkit.core.registry;
    exports dev.mailkit.core.discovery;
    exports dev.mailkit.core.diagnostics;

    // Implementation shared with mailkit's other modules only.
    exports dev.mailkit.core.internal to dev.mailkit.smtp, dev.mailkit.imap;
    exports dev.mailkit.core.internal.angus to dev.mailkit.smtp;
    exports dev.mailkit.core.internal.proxy to dev.mailkit.oauth2; // the authorization server's calls through a proxy

    requires transitive jakarta.mail;
    // Angus Mail: the SMTP and IMAP implementations (Jakarta Mail finds them as jakarta.mail.Provider
    // services) and the classes of theirs that mailkit extends.
    requires org.eclipse.angus.mail;
    requires org.slf4j;
    requires java.naming;          // MX and SRV look-ups through JNDI's DNS provider (jdk.naming.dns)
    requires java.net.http;        // autoconfig over HTTPS
    requires java.security.sasl;   // the OAUTHBEARER SASL client
    requires java.xml;             // providers.xml and clientConfig files

    uses dev.mailkit.core.registry.ProviderSource;
}
