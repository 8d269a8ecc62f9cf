package dev.mailkit.core.internal.discovery;

import dev.mailkit.core.DnsResolver;
import dev.mailkit.core.ProviderDataException;
import dev.mailkit.core.Security;
import dev.mailkit.core.ServerEndpoint;
import dev.mailkit.core.discovery.AutoconfigSource;
import dev.mailkit.core.discovery.DiscoveryResult;
import dev.mailkit.core.discovery.ProviderDiscovery;
import dev.mailkit.core.internal.registry.Lookups;
import dev.mailkit.core.registry.ClientConfigs;
import dev.mailkit.core.registry.ProviderRegistry;
import dev.mailkit.core.registry.ProviderSettings;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The discovery chain: registry domain, autoconfig, MX pattern, SRV. */
public final class DefaultProviderDiscovery implements ProviderDiscovery {

    private static final Logger LOG = LoggerFactory.getLogger(DefaultProviderDiscovery.class);

    private final ProviderRegistry registry;
    private final AutoconfigSource autoconfig;
    private final DnsResolver mxDns;
    private final DnsResolver srvDns;

    /**
     * Creates the chain.
     *
     * @param registry   known providers
     * @param autoconfig clientConfig source
     * @param mxDns      resolver for the MX step
     * @param srvDns     resolver for the SRV step
     */
    public DefaultProviderDiscovery(ProviderRegistry registry, AutoconfigSource autoconfig, DnsResolver mxDns,
                                    DnsResolver srvDns) {
        this.registry = registry;
        this.autoconfig = autoconfig;
        this.mxDns = mxDns;
        this.srvDns = srvDns;
    }

    @Override
    public Optional<DiscoveryResult> discover(String emailAddress) {
        String domain = Lookups.domainOf(emailAddress);
        Optional<ProviderSettings> known = registry.forDomain(domain);
        if (known.isPresent()) {
            return secureOnly(known.get(), DiscoveryResult.Method.REGISTRY_DOMAIN,
                    "the registry, which lists " + domain + " under " + known.get().displayName());
        }
        return fromAutoconfig(domain, emailAddress)
                .or(() -> fromMx(domain))
                .or(() -> fromSrv(domain));
    }

    private Optional<DiscoveryResult> fromAutoconfig(String domain, String email) {
        Optional<String> xml;
        try {
            xml = autoconfig.fetch(domain, email);
        } catch (IOException e) {
            LOG.debug("autoconfig for {} failed: {}", domain, e.toString());
            return Optional.empty();
        }
        if (xml.isEmpty()) {
            return Optional.empty();
        }
        List<ProviderSettings> parsed;
        try {
            parsed = ClientConfigs.parse(xml.get(), "autoconfig for " + domain);
        } catch (ProviderDataException e) {
            LOG.warn("ignoring malformed autoconfig document for {}: {}", domain, e.getMessage());
            return Optional.empty();
        }
        return secureOnly(parsed.get(0), DiscoveryResult.Method.AUTOCONFIG, "the autoconfig document of " + domain);
    }

    private Optional<DiscoveryResult> fromMx(String domain) {
        List<DnsResolver.Mx> records;
        try {
            records = new ArrayList<>(mxDns.mx(domain));
        } catch (IOException e) {
            LOG.debug("MX look-up for {} failed: {}", domain, e.toString());
            return Optional.empty();
        }
        records.sort(Comparator.comparingInt(DnsResolver.Mx::preference));
        for (DnsResolver.Mx mx : records) {
            Optional<ProviderSettings> p = registry.forMxHost(mx.host());
            if (p.isPresent()) {
                return secureOnly(p.get(), DiscoveryResult.Method.MX, "the MX of " + domain + ": "
                        + Lookups.normaliseHost(mx.host()) + " → " + p.get().displayName());
            }
        }
        return Optional.empty();
    }

    private Optional<DiscoveryResult> fromSrv(String domain) {
        List<ServerEndpoint> imap = srv(domain, "_imaps._tcp.", "_imap._tcp.");
        List<ServerEndpoint> smtp = srv(domain, "_submissions._tcp.", "_submission._tcp.");
        if (imap.isEmpty() && smtp.isEmpty()) {
            return Optional.empty();
        }
        ProviderSettings.Builder b = ProviderSettings.builder(idFor(domain)).displayName(domain).domain(domain)
                .source("DNS SRV records of " + domain);
        imap.forEach(b::imap);
        smtp.forEach(b::smtp);
        return Optional.of(new DiscoveryResult(b.build(), DiscoveryResult.Method.SRV, List.of(),
                "the SRV records of " + domain));
    }

    /** Implicit-TLS and STARTTLS services merged by priority; implicit TLS first at equal priority (RFC 8314 §5.1). */
    private List<ServerEndpoint> srv(String domain, String implicitTls, String startTls) {
        record Candidate(DnsResolver.Srv srv, Security security) {
        }
        List<Candidate> all = new ArrayList<>();
        try {
            srvDns.srv(implicitTls + domain).forEach(s -> all.add(new Candidate(s, Security.SSL_TLS)));
            srvDns.srv(startTls + domain).forEach(s -> all.add(new Candidate(s, Security.STARTTLS)));
        } catch (IOException e) {
            LOG.debug("SRV look-up for {} failed: {}", domain, e.toString());
            return List.of();
        }
        all.sort(Comparator.comparingInt((Candidate c) -> c.srv().priority())
                .thenComparing(c -> c.security() == Security.SSL_TLS ? 0 : 1)
                .thenComparing(c -> -c.srv().weight()));
        List<ServerEndpoint> out = new ArrayList<>();
        for (Candidate c : all) {
            String target = Lookups.normaliseHost(c.srv().target());
            if (target.isEmpty() || c.srv().port() <= 0) {
                continue; // "." = service deliberately not offered
            }
            try {
                ServerEndpoint e = ServerEndpoint.of(target, c.srv().port(), c.security());
                if (!out.contains(e)) {
                    out.add(e);
                }
            } catch (IllegalArgumentException ex) {
                LOG.debug("ignoring bad SRV target {}: {}", c.srv(), ex.getMessage());
            }
        }
        return out;
    }

    private static Optional<DiscoveryResult> secureOnly(ProviderSettings found, DiscoveryResult.Method method,
                                                        String foundBy) {
        List<ServerEndpoint> plaintext = Stream.concat(found.imap().stream(), found.smtp().stream())
                .filter(ServerEndpoint::isPlaintext).toList();
        if (plaintext.isEmpty()) {
            return Optional.of(new DiscoveryResult(found, method, List.of(), foundBy));
        }
        LOG.warn("{} offered plaintext endpoints {}; they are not used", found.source(), plaintext);
        if (plaintext.size() == found.imap().size() + found.smtp().size()) {
            return Optional.empty();
        }
        ProviderSettings.Builder b = found.toBuilder().clearEndpoints();
        found.imap().stream().filter(e -> !e.isPlaintext()).forEach(b::imap);
        found.smtp().stream().filter(e -> !e.isPlaintext()).forEach(b::smtp);
        return Optional.of(new DiscoveryResult(b.build(), method, plaintext, foundBy));
    }

    private static String idFor(String domain) {
        return "discovered-" + domain.replaceAll("[^a-z0-9.-]", "-");
    }
}
