package dev.mailkit.cli;

import dev.mailkit.core.DnsResolver;
import dev.mailkit.core.diagnostics.DnsRecord;
import dev.mailkit.core.diagnostics.Finding;
import dev.mailkit.core.diagnostics.MailDiagnostics;
import dev.mailkit.core.diagnostics.SendingDomainReport;
import dev.mailkit.core.diagnostics.SendingDomainRequest;
import dev.mailkit.core.diagnostics.Severity;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code doctor --sending-domain} and its options: what receivers look up about a domain mail is sent from. */
final class SendingDomainOptions {

    /** How long one DNS look-up may take. */
    static final Duration LOOKUP_TIMEOUT = Duration.ofSeconds(5);

    @Option(names = "--sending-domain", paramLabel = "DOMAIN", description = "Check the DNS records receivers look up "
            + "about mail from DOMAIN: SPF, DKIM, DMARC, MX and, with --sending-ip, reverse DNS; each problem with the "
            + "record to publish. Works without EMAIL.")
    String domain;

    @Option(names = "--dkim-selector", paramLabel = "S", description = "With --sending-domain: the DKIM selector mail is "
            + "signed with (its key is at S._domainkey.DOMAIN).")
    String selector;

    @Option(names = "--dkim-public-key", paramLabel = "FILE", description = "With --dkim-selector: the public key mail is "
            + "signed with (PEM, RSA or Ed25519), to check the published key is the same.")
    Path publicKey;

    @Option(names = "--relay-spf-include", paramLabel = "D", description = "With --sending-domain: the SPF domain of the "
            + "relay mail is sent through (for example amazonses.com), which SPF must include.")
    String relayInclude;

    @Option(names = "--relay-host", paramLabel = "HOST", description = "With --sending-domain: a host name or address the "
            + "relay sends from, which SPF must let pass (repeatable).")
    List<String> relayHosts;

    @Option(names = "--relay", paramLabel = "ID", description = "With --sending-domain: the provider or sending service"
            + " mail is sent through, by id (for example ses-us-east-1, sendgrid; see 'mailkit providers list'): its SPF"
            + " domain (as --relay-spf-include) and its SMTP host (as --relay-host) where the data has them.")
    String relay;

    @Option(names = "--sending-ip", paramLabel = "IP", description = "With --sending-domain: the address mail leaves from "
            + "when sent directly: SPF must let it pass and its reverse DNS must point back.")
    String sendingIp;

    @Option(names = "--dns-server", paramLabel = "HOST[:PORT]", description = "With --sending-domain: ask this DNS server "
            + "(for example the domain's own, to see what it publishes before caches do) instead of the system's.")
    String dnsServer;

    /** Whether the sending domain is to be checked; options that need it without it are an error. */
    boolean given() {
        if (domain == null && (selector != null || publicKey != null || relayInclude != null || relayHosts != null
                || relay != null || sendingIp != null || dnsServer != null)) {
            throw new IllegalArgumentException("--dkim-selector, --dkim-public-key, --relay, --relay-spf-include, --relay-host,"
                    + " --sending-ip and --dns-server go with --sending-domain DOMAIN");
        }
        return domain != null;
    }

    /** Runs the checks. */
    SendingDomainReport check() {
        SendingDomainRequest request;
        try {
            request = SendingDomainRequest.forDomain(domain);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--sending-domain: " + e.getMessage());
        }
        if (publicKey != null && selector == null) {
            throw new IllegalArgumentException("--dkim-public-key needs --dkim-selector (the selector mail is signed with)");
        }
        try {
            if (selector != null) {
                request = publicKey != null ? request.dkim(selector, readPublicKey(publicKey)) : request.dkimSelector(selector);
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage().startsWith("--") ? e.getMessage() : "--dkim-selector: " + e.getMessage());
        }
        String include = relayInclude;
        List<String> hosts = relayHosts == null ? new java.util.ArrayList<>() : new java.util.ArrayList<>(relayHosts);
        if (relay != null) {
            dev.mailkit.core.registry.ProviderSettings p = dev.mailkit.core.registry.ProviderRegistry.defaults().byId(relay)
                    .orElseThrow(() -> new IllegalArgumentException("--relay: no provider or sending service has the id '"
                            + relay + "': see 'mailkit providers list'"));
            if (include == null) {
                include = p.spfInclude().orElse(null);
            }
            p.endpoint(dev.mailkit.core.Protocol.SMTP).ifPresent(e -> hosts.add(e.host()));
            if (include == null && hosts.isEmpty()) {
                throw new IllegalArgumentException("--relay: the data for " + p.displayName() + " names neither an SPF"
                        + " domain nor an SMTP host: give --relay-spf-include or --relay-host");
            }
        }
        if (include != null) {
            try {
                request = request.relaySpfInclude(include);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--relay-spf-include: " + e.getMessage());
            }
        }
        if (!hosts.isEmpty()) {
            request = request.relayHosts(hosts.toArray(new String[0]));
        }
        if (sendingIp != null) {
            request = request.sendingIp(address("--sending-ip", sendingIp));
        }
        return MailDiagnostics.builder().resolver(resolver()).build().checkSendingDomain(request);
    }

    private DnsResolver resolver() {
        if (dnsServer == null) {
            return DnsResolver.system(LOOKUP_TIMEOUT);
        }
        String host = dnsServer;
        int port = 53;
        Matcher bracketed = Pattern.compile("\\[([^\\]]+)\\](?::(\\d+))?").matcher(dnsServer);
        if (bracketed.matches()) {
            host = bracketed.group(1);
            port = bracketed.group(2) == null ? 53 : Integer.parseInt(bracketed.group(2));
        } else if (dnsServer.indexOf(':') == dnsServer.lastIndexOf(':') && dnsServer.indexOf(':') > 0) {
            host = dnsServer.substring(0, dnsServer.indexOf(':'));
            String p = dnsServer.substring(dnsServer.indexOf(':') + 1);
            if (!p.matches("\\d{1,5}")) {
                throw new IllegalArgumentException("--dns-server: port '" + p + "' is not a number");
            }
            port = Integer.parseInt(p);
        }
        try {
            return DnsResolver.using(host, port, LOOKUP_TIMEOUT);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--dns-server: " + e.getMessage());
        }
    }

    private static InetAddress address(String option, String literal) {
        if (!literal.matches("[0-9A-Fa-f:.]+") || !literal.contains(".") && !literal.contains(":")) {
            throw new IllegalArgumentException(option + ": '" + literal + "' is not an IP address");
        }
        try {
            return InetAddress.getByName(literal); // an IP literal: parsed, not looked up
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(option + ": '" + literal + "' is not an IP address");
        }
    }

    /**
     * The public key in a PEM file: {@code PUBLIC KEY} (RSA or Ed25519) or {@code RSA PUBLIC KEY}. A private key
     * is refused without being read further, and no part of the file is ever printed.
     */
    static PublicKey readPublicKey(Path file) {
        String pem;
        try {
            pem = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalArgumentException("--dkim-public-key: cannot read " + file + ": " + e.getMessage());
        }
        if (pem.contains("PRIVATE KEY-----")) {
            throw new IllegalArgumentException("--dkim-public-key: " + file + " holds a private key; give the public key"
                    + " (openssl pkey -in " + file + " -pubout -out public.pem)");
        }
        Matcher m = Pattern.compile("-----BEGIN (RSA )?PUBLIC KEY-----([A-Za-z0-9+/=\\s]+)-----END (RSA )?PUBLIC KEY-----")
                .matcher(pem);
        if (!m.find()) {
            throw new IllegalArgumentException("--dkim-public-key: " + file + " holds no PEM public key (-----BEGIN PUBLIC KEY-----)");
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(m.group(2).replaceAll("\\s+", ""));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--dkim-public-key: the PEM in " + file + " is not base64");
        }
        if (m.group(1) != null) {
            der = dev.mailkit.core.internal.Der.rsaPublicKeyInfo(der);
        }
        for (String algorithm : List.of("RSA", "Ed25519")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                // try the next kind
            }
        }
        throw new IllegalArgumentException("--dkim-public-key: " + file + " holds neither an RSA nor an Ed25519 public key");
    }

    /** The exit code: 0 without errors, else the first error's (4 for a failed look-up, 2 for a record). */
    static int exitCode(SendingDomainReport report) {
        return report.firstError().map(f -> DoctorCommand.exitCode(f.check())).orElse(ExitCodes.OK);
    }

    private static String mark(Severity s) {
        return switch (s) {
            case OK -> "✓";
            case WARNING -> "⚠";
            case ERROR -> "✗";
        };
    }

    static void print(PrintWriter out, SendingDomainReport report) {
        out.println("mailkit doctor: sending domain " + report.domain());
        for (Finding f : report.findings()) {
            // evidence and fixes hold DNS data: printed with control characters escaped
            out.printf("  %s %-11s %s%n", mark(f.severity()), f.check(), Printable.of(CliAdvice.of(f.evidence())));
            if (!f.fix().isEmpty() && f.severity() != Severity.OK) {
                out.printf("    %-11s fix: %s%n", "", Printable.of(CliAdvice.of(f.fix())));
            }
        }
        if (!report.recordsToPublish().isEmpty()) {
            out.println("Records to publish (zone file lines):");
            for (DnsRecord r : report.recordsToPublish()) {
                out.println("  " + Printable.of(r.zoneFileLine()));
            }
        }
        boolean warnings = report.findings().stream().anyMatch(f -> f.severity() == Severity.WARNING);
        out.println(report.deliverable()
                ? "Receivers should accept mail from " + report.domain() + (warnings ? " (see the ⚠ above)." : ".")
                : "Receivers may refuse or junk mail from " + report.domain() + ": fix the ✗ above.");
    }

    static Json toJson(SendingDomainReport report) {
        return new Json().put("domain", report.domain()).put("deliverable", report.deliverable())
                .put("findings", report.findings().stream().map(f -> new Json()
                        .put("severity", f.severity().name()).put("check", f.check())
                        .put("evidence", CliAdvice.of(f.evidence())).put("fix", CliAdvice.of(f.fix()))).toList())
                .put("recordsToPublish", report.recordsToPublish().stream().map(r -> new Json()
                        .put("type", r.type()).put("name", r.name()).put("value", r.value())
                        .put("zoneFileLine", r.zoneFileLine())).toList());
    }
}
