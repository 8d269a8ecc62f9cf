package dev.mailkit.core.diagnostics;

import java.net.IDN;
import java.net.InetAddress;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What {@link MailDiagnostics#checkSendingDomain} checks: a domain mail is sent from, and optionally how it is
 * sent and signed. Start with {@link #forDomain(String)} and add what is known:
 *
 * <pre>{@code
 * SendingDomainRequest request = SendingDomainRequest.forDomain("example.com")
 *         .dkim("mk2024", signingKey.getPublic())       // the selector and the key mailkit signs with
 *         .relaySpfInclude("amazonses.com")             // the relay's SPF domain, when sending through one
 *         .sendingIp(InetAddress.getByName("192.0.2.25")); // the address, when sending directly
 * }</pre>
 *
 * @param domain          the domain in the From address, lower case ASCII (an internationalised name is turned into
 *                        its {@code xn--} form)
 * @param dkimSelector    the DKIM selector signatures name ({@code s=}), or null to leave DKIM unchecked
 * @param dkimKey         the public key signatures are made with (RSA or Ed25519), or null to check the record
 *                        alone
 * @param relaySpfInclude the domain a relay asks senders to include in their SPF record (for example
 *                        {@code amazonses.com}), or null
 * @param relayHosts      host names or addresses the relay sends from, each of which SPF must let pass; empty
 *                        when unknown
 * @param sendingIp       the address mail leaves from when sent directly (SPF must let it pass, and its reverse
 *                        DNS must confirm), or null
 * @param dmarcReports    the address to name in a suggested DMARC record's {@code rua=}, or null for
 *                        {@code dmarc@<domain>}
 */
public record SendingDomainRequest(String domain, String dkimSelector, PublicKey dkimKey, String relaySpfInclude,
                                   List<String> relayHosts, InetAddress sendingIp, String dmarcReports) {

    /**
     * Validates and normalises.
     *
     * @param domain          the sending domain
     * @param dkimSelector    the DKIM selector, or null
     * @param dkimKey         the DKIM public key, or null
     * @param relaySpfInclude the relay's SPF domain, or null
     * @param relayHosts      the relay's hosts or addresses, or null for none
     * @param sendingIp       the direct sending address, or null
     * @param dmarcReports    the DMARC report address, or null
     * @throws NullPointerException     if the domain is null
     * @throws IllegalArgumentException if a name is not a domain name, a key is given without a selector, the key
     *                                  is neither RSA nor Ed25519, or the report address has no {@code @}
     */
    public SendingDomainRequest {
        domain = domain(Objects.requireNonNull(domain, "domain"), "sending domain");
        if (dkimSelector != null) {
            dkimSelector = dkimSelector.strip().toLowerCase(Locale.ROOT);
            if (!dkimSelector.matches("[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*")) {
                throw new IllegalArgumentException("DKIM selector '" + dkimSelector + "' is not a DNS label (letters, digits, -, _),"
                        + " for example mk2024");
            }
        }
        if (dkimKey != null && dkimSelector == null) {
            throw new IllegalArgumentException("a DKIM key needs its selector: give both (dkim(selector, key))");
        }
        if (dkimKey != null && !(dkimKey instanceof RSAPublicKey) && !isEd25519(dkimKey)) {
            throw new IllegalArgumentException("DKIM signs with RSA or Ed25519 keys, not " + dkimKey.getAlgorithm());
        }
        if (relaySpfInclude != null) {
            relaySpfInclude = domain(relaySpfInclude, "relay SPF include");
        }
        relayHosts = relayHosts == null ? List.of() : List.copyOf(relayHosts);
        if (dmarcReports != null && (dmarcReports.indexOf('@') < 1 || dmarcReports.strip().contains(" "))) {
            throw new IllegalArgumentException("DMARC report address '" + dmarcReports + "' is not an e-mail address");
        }
    }

    private static boolean isEd25519(PublicKey key) {
        byte[] e = key.getEncoded();
        return e != null && e.length == 44 && e[6] == 0x2b && e[7] == 0x65 && e[8] == 0x70; // OID 1.3.101.112
    }

    private static String domain(String name, String what) {
        String d = name.strip().toLowerCase(Locale.ROOT);
        while (d.endsWith(".")) {
            d = d.substring(0, d.length() - 1);
        }
        try {
            d = IDN.toASCII(d, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + " '" + name + "' is not a domain name", e);
        }
        if (!d.matches("([a-z0-9_]([a-z0-9_-]*[a-z0-9])?\\.)+[a-z0-9]([a-z0-9-]*[a-z0-9])?") || d.length() > 253) {
            throw new IllegalArgumentException(what + " '" + name + "' is not a domain name (for example example.com)");
        }
        return d;
    }

    /**
     * A request for a domain, with nothing else known.
     *
     * @param domain the domain in the From address
     * @return the request
     * @throws IllegalArgumentException if it is not a domain name
     */
    public static SendingDomainRequest forDomain(String domain) {
        return new SendingDomainRequest(domain, null, null, null, List.of(), null, null);
    }

    /**
     * The same, checking DKIM for a selector and the key signatures are made with.
     *
     * @param selector the selector ({@code s=} of the signatures)
     * @param key      the public key of the signing key
     * @return a copy of this request
     */
    public SendingDomainRequest dkim(String selector, PublicKey key) {
        return new SendingDomainRequest(domain, Objects.requireNonNull(selector, "selector"), Objects.requireNonNull(key, "key"),
                relaySpfInclude, relayHosts, sendingIp, dmarcReports);
    }

    /**
     * The same, checking the DKIM record of a selector without comparing its key.
     *
     * @param selector the selector
     * @return a copy of this request
     */
    public SendingDomainRequest dkimSelector(String selector) {
        return new SendingDomainRequest(domain, Objects.requireNonNull(selector, "selector"), null, relaySpfInclude,
                relayHosts, sendingIp, dmarcReports);
    }

    /**
     * The same, with the SPF domain of the relay mail is sent through.
     *
     * @param spfDomain for example {@code amazonses.com}
     * @return a copy of this request
     */
    public SendingDomainRequest relaySpfInclude(String spfDomain) {
        return new SendingDomainRequest(domain, dkimSelector, dkimKey, Objects.requireNonNull(spfDomain, "spfDomain"),
                relayHosts, sendingIp, dmarcReports);
    }

    /**
     * The same, with the hosts or addresses the relay sends from.
     *
     * @param hostsOrAddresses host names or IP literals
     * @return a copy of this request
     */
    public SendingDomainRequest relayHosts(String... hostsOrAddresses) {
        return new SendingDomainRequest(domain, dkimSelector, dkimKey, relaySpfInclude, List.of(hostsOrAddresses), sendingIp,
                dmarcReports);
    }

    /**
     * The same, with the address mail leaves from when sent directly.
     *
     * @param ip the address
     * @return a copy of this request
     */
    public SendingDomainRequest sendingIp(InetAddress ip) {
        return new SendingDomainRequest(domain, dkimSelector, dkimKey, relaySpfInclude, relayHosts,
                Objects.requireNonNull(ip, "ip"), dmarcReports);
    }

    /**
     * The same, naming this address for DMARC reports in a suggested record.
     *
     * @param mailbox for example {@code dmarc-reports@example.com}
     * @return a copy of this request
     */
    public SendingDomainRequest dmarcReports(String mailbox) {
        return new SendingDomainRequest(domain, dkimSelector, dkimKey, relaySpfInclude, relayHosts, sendingIp,
                Objects.requireNonNull(mailbox, "mailbox").strip());
    }

    @Override
    public String toString() {
        return "SendingDomainRequest[domain=" + domain + ", dkimSelector=" + dkimSelector + ", dkimKey="
                + (dkimKey == null ? "none" : dkimKey.getAlgorithm() + " public key") + ", relaySpfInclude=" + relaySpfInclude
                + ", relayHosts=" + relayHosts + ", sendingIp=" + (sendingIp == null ? null : sendingIp.getHostAddress())
                + ", dmarcReports=" + dmarcReports + "]";
    }
}
