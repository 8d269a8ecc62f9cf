package dev.mailkit.core.internal.deliverability;

import dev.mailkit.core.DnsResolver;
import dev.mailkit.core.Protocol;
import dev.mailkit.core.diagnostics.DnsRecord;
import dev.mailkit.core.diagnostics.Finding;
import dev.mailkit.core.diagnostics.SendingDomainReport;
import dev.mailkit.core.diagnostics.SendingDomainRequest;
import dev.mailkit.core.diagnostics.Severity;
import dev.mailkit.core.internal.deliverability.SpfRecord.Directive;
import dev.mailkit.core.internal.deliverability.SpfRecord.Qualifier;
import dev.mailkit.core.internal.discovery.DnsNames;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;

/**
 * The sending-domain checks, in order: SPF, DKIM, DMARC, MX and, for a sending address, forward-confirmed
 * reverse DNS. Each problem is a finding whose fix names the record to publish, built from what the request
 * gives (the relay's SPF domain, the addresses, the DKIM public key); those records are also listed in the
 * report.
 */
public final class SendingDomainCheck {

    /** The most DNS look-ups one check makes (the SPF walk stops counting at {@link Spf#CAP} terms). */
    public static final int MAX_QUERIES = 200;

    static final String SPF = "SPF";
    static final String DKIM = "DKIM";
    static final String DMARC = "DMARC";
    static final String MX = "MX";
    static final String REVERSE = "reverse DNS";
    static final String DNS = "DNS";

    private final SendingDomainRequest request;
    private final String domain;
    private final BoundedDns dns;
    private final List<Finding> findings = new ArrayList<>();
    private final Set<DnsRecord> records = new LinkedHashSet<>();

    private SendingDomainCheck(SendingDomainRequest request, BoundedDns dns) {
        this.request = request;
        this.domain = request.domain();
        this.dns = dns;
    }

    /**
     * Runs every check.
     *
     * @param request  what to check
     * @param resolver the DNS to ask (each look-up bounded by its own timeout)
     * @param budget   the time all look-ups may take together
     * @param nanos    the clock ({@code System::nanoTime})
     * @return the report
     */
    public static SendingDomainReport run(SendingDomainRequest request, DnsResolver resolver, Duration budget, LongSupplier nanos) {
        SendingDomainCheck c = new SendingDomainCheck(request, new BoundedDns(resolver, budget, MAX_QUERIES, nanos));
        c.spf();
        c.dkim();
        c.dmarc();
        c.mx();
        if (request.sendingIp() != null) {
            c.reverseDns(request.sendingIp());
        }
        return new SendingDomainReport(request.domain(), c.findings, new ArrayList<>(c.records));
    }

    private void add(Severity severity, String check, String evidence, String fix) {
        findings.add(new Finding(Protocol.SMTP, severity, check, evidence, fix));
    }

    private void ok(String check, String evidence) {
        add(Severity.OK, check, evidence, "");
    }

    private void lookupFailed(String what, IOException e) {
        add(Severity.ERROR, DNS, what + " not checked: " + e.getMessage(), "try again; if it persists, check the DNS server"
                + " asked and the network (a look-up that times out fails the same way for receivers)");
    }

    /** "publish TXT at …: "…"" and the record listed. */
    private String publish(DnsRecord r) {
        records.add(r);
        return "publish " + r;
    }

    // ---------------------------------------------------------------------------------------------- SPF

    private void spf() {
        Spf spf = new Spf(dns, domain);
        List<String> found;
        try {
            found = spf.records(domain);
        } catch (IOException e) {
            lookupFailed("SPF", e);
            return;
        }
        List<String> wanted = wantedSpfTerms();
        if (found.isEmpty()) {
            List<String> terms = new ArrayList<>(wanted);
            String fix;
            if (terms.isEmpty()) {
                fix = "publish TXT at " + domain + ": \"v=spf1 mx -all\" with, before -all, include:<SPF domain> of each"
                        + " service that sends as " + domain + " and ip4:<address> of each server that does";
            } else {
                terms.add("-all");
                fix = publish(new DnsRecord("TXT", domain, "v=spf1 " + String.join(" ", terms)));
            }
            add(Severity.ERROR, SPF, "no SPF record (TXT v=spf1) at " + domain + ": receivers cannot tell which servers may"
                    + " send as " + domain + " (Gmail and Yahoo require SPF)", fix);
            return;
        }
        if (found.size() > 1) {
            found = found.stream().sorted().toList(); // DNS gives them in any order: the same text every time
            String merged = merge(found, wanted);
            add(Severity.ERROR, SPF, found.size() + " SPF records at " + domain + " (" + quoteAll(found) + "): receivers"
                    + " treat that as a permanent error and SPF fails for all mail (RFC 7208 §4.5)",
                    "merge them: " + publish(new DnsRecord("TXT", domain, merged)) + " in their place");
            return;
        }
        SpfRecord record = SpfRecord.parse(found.get(0));
        Spf.Tree tree = spf.walk(record);

        // What the record lacks for the relay and the addresses, found before the findings are written, so
        // every fix names the same corrected record.
        List<String> missing = new ArrayList<>();
        String relayFinding = null;
        Severity relaySeverity = Severity.OK;
        String relay = request.relaySpfInclude();
        if (relay != null) {
            if (tree.reached.containsKey(relay)) {
                relayFinding = "the relay's include:" + relay + " is reached (" + tree.reached.get(relay) + ")";
            } else {
                Directive other = record.directives().stream().filter(d -> d.mechanism().equals("include")
                        && relay.equalsIgnoreCase(d.domainSpec())).findFirst().orElse(null);
                relaySeverity = Severity.ERROR;
                relayFinding = other != null ? "'" + other.text() + "' does not let the relay " + relay + " pass (qualifier "
                        + other.qualifier().sign + ")" : "the SPF record does not include the relay's " + relay
                        + ": mail the relay sends as " + domain + " fails SPF";
                missing.add("include:" + relay);
            }
        }
        List<String[]> addressFindings = new ArrayList<>(); // severity, evidence
        for (String host : request.relayHosts()) {
            for (InetAddress ip : relayAddresses(host, addressFindings)) {
                coverage(spf, ip, "the relay's address " + ip.getHostAddress() + (host.equals(ip.getHostAddress()) ? "" : " (" + host + ")"),
                        missing, addressFindings);
            }
        }
        if (request.sendingIp() != null) {
            coverage(spf, request.sendingIp(), "the sending address " + request.sendingIp().getHostAddress(), missing, addressFindings);
        }
        Directive all = record.all();
        boolean weakAll = all != null && (all.qualifier() == Qualifier.PASS || all.qualifier() == Qualifier.NEUTRAL);
        boolean noEnd = all == null && record.modifier("redirect") == null;
        boolean needsRewrite = !record.errors().isEmpty() || !missing.isEmpty() || weakAll || noEnd;
        String corrected = needsRewrite ? corrected(record, missing) : null;
        String replace = corrected == null ? "" : publish(new DnsRecord("TXT", domain, corrected)) + " in its place";

        ok(SPF, "one SPF record at " + domain + ": \"" + record.text() + "\"");
        if (!record.errors().isEmpty()) {
            add(Severity.ERROR, SPF, "the SPF record is not valid, so SPF fails for all mail (permerror): "
                    + String.join("; ", record.errors()), "correct it, for example: " + replace);
        }
        for (String w : record.warnings()) {
            add(Severity.WARNING, SPF, w, "write the term as a mechanism or remove it");
        }
        for (String f : tree.failures) {
            add(Severity.ERROR, DNS, "an SPF look-up failed, so receivers get a temporary error (temperror): " + f,
                    "try again; if it persists, check the DNS server that serves that name");
        }
        for (String e : tree.errors) {
            add(Severity.ERROR, SPF, e, "remove that term, or have the owner of the name it points to fix its record");
        }
        String perTerm = tree.perTerm.entrySet().stream().filter(e -> e.getValue() > 0)
                .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
        if (tree.lookups > Spf.LOOKUP_LIMIT) {
            add(Severity.ERROR, SPF, "SPF needs " + (tree.capped ? "at least " : "") + tree.lookups + " DNS look-ups (include, a,"
                    + " mx, ptr, exists and redirect, counted through every include: " + perTerm + "); receivers stop at "
                    + Spf.LOOKUP_LIMIT + " and SPF fails for all mail (permerror, RFC 7208 §4.6.4)",
                    "bring it to " + Spf.LOOKUP_LIMIT + " or fewer: remove includes of services that no longer send as "
                            + domain + ", write the addresses behind a and mx as ip4:/ip6:, or replace an include you control by"
                            + " the ip4:/ip6: ranges it lists");
        } else {
            ok(SPF, tree.lookups + " of " + Spf.LOOKUP_LIMIT + " DNS look-ups" + (perTerm.isEmpty() ? "" : " (" + perTerm + ")"));
        }
        if (tree.voids.size() > Spf.VOID_LIMIT) {
            add(Severity.ERROR, SPF, tree.voids.size() + " look-ups find nothing (receivers allow " + Spf.VOID_LIMIT
                    + " such void look-ups and then fail SPF, RFC 7208 §4.6.4): " + String.join("; ", tree.voids),
                    "remove the terms whose names have no records");
        } else {
            for (String v : tree.voids) {
                add(Severity.WARNING, SPF, v + " (a void look-up; receivers fail SPF after " + Spf.VOID_LIMIT + ")",
                        "remove the term, or publish the record it looks for");
            }
        }
        for (String w : tree.warnings) {
            add(Severity.WARNING, SPF, w, w.contains("ptr") ? "replace ptr by ip4:/ip6: or a:" : "");
        }
        if (noEnd) {
            add(Severity.WARNING, SPF, "the record does not end with -all or ~all: mail from servers it does not list gets"
                    + " neutral, as if there were no SPF", replace);
        } else if (all != null && all.qualifier() == Qualifier.PASS) {
            add(Severity.WARNING, SPF, "'" + all.text() + "' lets every server on the internet pass SPF as " + domain,
                    replace);
        } else if (all != null && all.qualifier() == Qualifier.NEUTRAL) {
            add(Severity.WARNING, SPF, "'" + all.text() + "' gives mail from servers the record does not list neutral,"
                    + " as if there were no SPF", replace);
        } else if (all != null) {
            ok(SPF, "ends with " + all.text() + (all.qualifier() == Qualifier.FAIL ? ": mail from servers it does not list fails"
                    : ": mail from servers it does not list is suspect (softfail)"));
        }
        if (all != null && !record.terms().get(record.terms().size() - 1).equals(all)
                && record.terms().subList(record.terms().indexOf(all) + 1, record.terms().size()).stream()
                .anyMatch(t -> t instanceof Directive)) {
            add(Severity.WARNING, SPF, "terms after '" + all.text() + "' are never used: all always matches first",
                    "move them before " + all.text());
        }
        if (relayFinding != null) {
            add(relaySeverity, SPF, relayFinding, relaySeverity == Severity.OK ? "" : replace);
        }
        for (String[] a : addressFindings) {
            Severity s = Severity.valueOf(a[0]);
            add(s, a[2], a[1], s == Severity.OK ? "" : a[2].equals(DNS) ? "try again; check the DNS server" : replace);
        }
    }

    /** The terms the request says the record needs: the relay's include and the addresses. */
    private List<String> wantedSpfTerms() {
        List<String> terms = new ArrayList<>();
        if (request.relaySpfInclude() != null) {
            terms.add("include:" + request.relaySpfInclude());
        }
        for (String h : request.relayHosts()) {
            InetAddress literal = DnsNames.literal(h);
            if (literal != null) {
                terms.add(ipTerm(literal));
            } else {
                terms.add("a:" + DnsNames.withoutDot(h).toLowerCase(Locale.ROOT));
            }
        }
        if (request.sendingIp() != null) {
            terms.add(ipTerm(request.sendingIp()));
        }
        return terms;
    }

    private static String ipTerm(InetAddress ip) {
        return (ip instanceof Inet4Address ? "ip4:" : "ip6:") + ip.getHostAddress();
    }

    private List<InetAddress> relayAddresses(String host, List<String[]> out) {
        InetAddress literal = DnsNames.literal(host);
        if (literal != null) {
            return List.of(literal);
        }
        try {
            List<InetAddress> a = dns.addresses(host);
            if (a.isEmpty()) {
                out.add(new String[] {Severity.ERROR.name(), "the relay host " + host + " has no A or AAAA record, so its"
                        + " addresses cannot be checked", SPF});
            }
            return a;
        } catch (IOException e) {
            out.add(new String[] {Severity.ERROR.name(), "the relay host " + host + " not checked: " + e.getMessage(), DNS});
            return List.of();
        }
    }

    private void coverage(Spf spf, InetAddress ip, String what, List<String> missing, List<String[]> out) {
        Spf.Outcome o = spf.checkHost(ip);
        if (o.result() == Spf.Result.PASS) {
            out.add(new String[] {Severity.OK.name(), what + " passes SPF (" + o.why() + ")", SPF});
        } else if (o.result() == Spf.Result.TEMPERROR) {
            out.add(new String[] {Severity.ERROR.name(), what + " not checked against SPF: " + o.why(), DNS});
        } else {
            out.add(new String[] {Severity.ERROR.name(), what + " gets " + o.result() + " from SPF (" + o.why()
                    + "), so its mail fails SPF", SPF});
            missing.add(ipTerm(ip));
        }
    }

    /** The record with its valid terms, the missing terms before its all (or redirect), ending with -all. */
    private static String corrected(SpfRecord record, List<String> missing) {
        List<String> terms = new ArrayList<>();
        int insertAt = -1;
        boolean hasRedirect = false;
        boolean ended = false;
        for (SpfRecord.Term t : record.terms()) {
            if (t instanceof Directive d && d.mechanism().equals("all")) {
                if (insertAt < 0) {
                    insertAt = terms.size();
                }
                if (!ended) {
                    terms.add(d.qualifier() == Qualifier.SOFTFAIL ? "~all" : "-all");
                    ended = true;
                }
                continue;
            }
            if (ended && t instanceof Directive) {
                continue; // never used after all
            }
            if (t instanceof SpfRecord.Modifier m && m.name().equals("redirect")) {
                hasRedirect = true;
                if (ended) {
                    continue; // never used with all
                }
                if (insertAt < 0) {
                    insertAt = terms.size();
                }
            }
            terms.add(t.text());
        }
        if (insertAt < 0) {
            insertAt = terms.size();
        }
        List<String> add = new ArrayList<>();
        for (String m : missing) {
            if (terms.stream().noneMatch(m::equalsIgnoreCase) && !add.contains(m)) {
                add.add(m);
            }
        }
        terms.addAll(insertAt, add);
        if (!ended && !hasRedirect) {
            terms.add("-all");
        }
        return "v=spf1 " + String.join(" ", terms);
    }

    /** Several records as one: every valid term once, the missing ones, then the strictest all. */
    private static String merge(List<String> found, List<String> wanted) {
        List<String> terms = new ArrayList<>();
        boolean fail = false;
        boolean any = false;
        for (String f : found) {
            SpfRecord r = SpfRecord.parse(f);
            for (SpfRecord.Term t : r.terms()) {
                if (t instanceof Directive d && d.mechanism().equals("all")) {
                    any = true;
                    fail |= d.qualifier() == Qualifier.FAIL;
                } else if (t instanceof SpfRecord.Modifier m && (m.name().equals("redirect") || m.name().equals("exp"))) {
                    continue; // one record's redirect or exp cannot speak for the merged one
                } else if (terms.stream().noneMatch(t.text()::equalsIgnoreCase)) {
                    terms.add(t.text());
                }
            }
        }
        for (String w : wanted) {
            if (terms.stream().noneMatch(w::equalsIgnoreCase)) {
                terms.add(w);
            }
        }
        terms.add(fail || !any ? "-all" : "~all");
        return "v=spf1 " + String.join(" ", terms);
    }

    private static String quoteAll(List<String> texts) {
        return texts.stream().map(t -> "\"" + t + "\"").collect(Collectors.joining(", "));
    }

    // --------------------------------------------------------------------------------------------- DKIM

    private void dkim() {
        String selector = request.dkimSelector();
        if (selector == null) {
            add(Severity.WARNING, DKIM, "not checked: no DKIM selector given", "give the selector your mail is signed with"
                    + " (and its public key, to check they match); Gmail and Yahoo require DKIM, signed as " + domain
                    + " for DMARC");
            return;
        }
        String name = selector + "._domainkey." + domain;
        List<String> txt;
        try {
            txt = dns.txt(name);
        } catch (IOException e) {
            lookupFailed("DKIM", e);
            return;
        }
        DnsRecord want = request.dkimKey() != null ? new DnsRecord("TXT", name, DkimKeys.recordFor(request.dkimKey())) : null;
        java.util.function.Supplier<String> publish = () -> want != null ? publish(want)
                : "publish the TXT record your DKIM signer gives for selector " + selector + " at " + name
                + " (\"v=DKIM1; k=rsa; p=<the public key, base64>\")";
        List<String> keys = txt.stream().filter(t -> t.strip().startsWith("v=DKIM1") || t.contains("p=")).toList();
        if (keys.isEmpty()) {
            add(Severity.ERROR, DKIM, "no DKIM key at " + name + (txt.isEmpty() ? "" : " (its TXT records are not DKIM keys: "
                    + quoteAll(txt) + ")") + ": receivers cannot verify signatures with selector " + selector + ", so DKIM fails",
                    publish.get());
            return;
        }
        if (keys.size() > 1) {
            add(Severity.ERROR, DKIM, keys.size() + " DKIM key records at " + name + ": verifiers may take either",
                    "keep one: " + publish.get() + (request.dkimKey() != null ? " in their place" : ""));
            return;
        }
        TagList tags = TagList.parse(keys.get(0));
        List<String> errors = new ArrayList<>(tags.errors());
        String v = tags.get("v");
        if (v != null && (!"v".equals(tags.first()) || !v.equals("DKIM1"))) {
            errors.add(!"v".equals(tags.first()) ? "v= must come first" : "v=" + v + " is not DKIM1");
        }
        String p = tags.get("p");
        if (p == null) {
            errors.add("there is no p= (the key)");
        }
        String s = tags.get("s");
        if (s != null && List.of(s.split(":")).stream().map(String::strip).noneMatch(x -> x.equals("*") || x.equalsIgnoreCase("email"))) {
            errors.add("s=" + s + " does not allow e-mail (s=email or s=*)");
        }
        String h = tags.get("h");
        if (h != null && List.of(h.split(":")).stream().map(String::strip).noneMatch(x -> x.equalsIgnoreCase("sha256"))) {
            errors.add("h=" + h + " does not allow sha256, which signatures use (RFC 8301)");
        }
        if (!errors.isEmpty()) {
            add(Severity.ERROR, DKIM, "the DKIM record at " + name + " is not valid (" + String.join("; ", errors)
                    + "), so DKIM fails", publish.get() + (request.dkimKey() != null ? " in its place" : ""));
            return;
        }
        if (p.isBlank()) {
            add(Severity.ERROR, DKIM, "the key at " + name + " is revoked (empty p=): signatures with selector " + selector
                    + " fail", request.dkimKey() != null ? publish.get() + " in its place"
                    : "publish the current key for this selector, or sign with a selector that has one");
            return;
        }
        DkimKeys.Published published;
        try {
            published = DkimKeys.decode(tags.get("k"), p);
        } catch (IllegalArgumentException e) {
            add(Severity.ERROR, DKIM, "the key at " + name + " cannot be used: " + e.getMessage(),
                    publish.get() + (request.dkimKey() != null ? " in its place" : ""));
            return;
        }
        String describe = published.type() + (published.type().equals("rsa") ? " " + published.bits() + " bits" : "");
        boolean problem = false;
        if (published.type().equals("rsa") && published.bits() < 1024) {
            add(Severity.ERROR, DKIM, "the key at " + name + " is RSA of " + published.bits() + " bits: verifiers ignore keys"
                    + " under 1024 bits (RFC 8301), so DKIM fails", "sign with a 2048-bit RSA key and publish its record"
                    + (request.dkimKey() != null && DkimKeys.bits(request.dkimKey()) >= 2048 ? ": " + publish.get() : ""));
            problem = true;
        } else if (published.type().equals("rsa") && published.bits() < 2048) {
            add(Severity.WARNING, DKIM, "the key at " + name + " is RSA of " + published.bits() + " bits: 2048 is the norm,"
                    + " and some receivers distrust shorter keys", "sign with a 2048-bit RSA key and publish its record"
                    + (request.dkimKey() != null && DkimKeys.bits(request.dkimKey()) >= 2048 ? ": " + publish.get() : ""));
        }
        if (request.dkimKey() != null) {
            if (!DkimKeys.same(request.dkimKey(), published)) {
                add(Severity.ERROR, DKIM, "the key at " + name + " (" + describe + ") is not the key mail is signed with ("
                        + DkimKeys.type(request.dkimKey()) + (DkimKeys.type(request.dkimKey()).equals("rsa") ? " "
                        + DkimKeys.bits(request.dkimKey()) + " bits" : "") + "): every signature fails to verify",
                        publish.get() + " in its place");
                problem = true;
            } else if (!problem) {
                ok(DKIM, "the key at " + name + " (" + describe + ") is the key mail is signed with");
            }
        } else if (!problem) {
            ok(DKIM, "a key at " + name + " (" + describe + "); give the signing key to check it is the one mail is signed with");
        }
        String t = tags.get("t");
        if (t != null && List.of(t.split(":")).stream().map(String::strip).anyMatch(x -> x.equalsIgnoreCase("y"))) {
            add(Severity.WARNING, DKIM, "the key at " + name + " is in testing mode (t=y): receivers may treat failed"
                    + " signatures as if there were none", "remove t=y once signatures verify");
        }
    }

    // -------------------------------------------------------------------------------------------- DMARC

    private void dmarc() {
        String name = "_dmarc." + domain;
        String reports = request.dmarcReports() != null ? request.dmarcReports() : "dmarc@" + domain;
        List<String> found;
        try {
            found = dmarcRecords(name);
        } catch (IOException e) {
            lookupFailed("DMARC", e);
            return;
        }
        String at = name;
        boolean inherited = false;
        String organisational = organisationalDomain(domain);
        if (found.isEmpty() && !organisational.equals(domain)) {
            try {
                List<String> org = dmarcRecords("_dmarc." + organisational);
                if (!org.isEmpty()) {
                    found = org;
                    at = "_dmarc." + organisational;
                    inherited = true;
                }
            } catch (IOException e) {
                lookupFailed("DMARC of the organisational domain " + organisational, e);
                return;
            }
        }
        if (found.isEmpty()) {
            add(Severity.ERROR, DMARC, "no DMARC record at " + name + (organisational.equals(domain) ? "" : " nor at _dmarc."
                    + organisational) + ": Gmail and Yahoo require one of bulk senders, and nobody reports on mail that"
                    + " fails SPF and DKIM", publish(new DnsRecord("TXT", name, "v=DMARC1; p=quarantine; rua=mailto:" + reports)));
            return;
        }
        if (found.size() > 1) {
            found = found.stream().sorted().toList();
            add(Severity.ERROR, DMARC, found.size() + " DMARC records at " + at + " (" + quoteAll(found) + "): receivers use"
                    + " none of them (RFC 7489 §6.6.3)", "keep one: " + publish(new DnsRecord("TXT", at,
                    dmarcCorrected(TagList.parse(found.get(0)), reports, false))) + " in their place");
            return;
        }
        TagList tags = TagList.parse(found.get(0));
        List<String> errors = new ArrayList<>(tags.errors());
        if (!"v".equals(tags.first()) || !"DMARC1".equals(tags.get("v"))) {
            errors.add("v=DMARC1 must come first");
        }
        String p = tags.get("p");
        if (p == null) {
            errors.add("there is no p= (the policy)");
        } else if (!List.of("none", "quarantine", "reject").contains(p.toLowerCase(Locale.ROOT))) {
            errors.add("p=" + p + " is not none, quarantine or reject");
        }
        String sp = tags.get("sp");
        if (sp != null && !List.of("none", "quarantine", "reject").contains(sp.toLowerCase(Locale.ROOT))) {
            errors.add("sp=" + sp + " is not none, quarantine or reject");
        }
        for (String a : List.of("adkim", "aspf")) {
            String x = tags.get(a);
            if (x != null && !x.equalsIgnoreCase("r") && !x.equalsIgnoreCase("s")) {
                errors.add(a + "=" + x + " is not r or s");
            }
        }
        String pct = tags.get("pct");
        if (pct != null && !pct.matches("\\d{1,3}") || pct != null && Integer.parseInt(pct) > 100) {
            errors.add("pct=" + pct + " is not 0 to 100");
        }
        if (!errors.isEmpty()) {
            add(Severity.ERROR, DMARC, "the DMARC record at " + at + " is not valid (" + String.join("; ", errors) + "): "
                    + "receivers ignore it", publish(new DnsRecord("TXT", at, dmarcCorrected(tags, reports, false))) + " in its place");
            return;
        }
        String policy = (inherited && sp != null ? sp : p).toLowerCase(Locale.ROOT);
        String rua = tags.get("rua");
        ok(DMARC, "\"" + found.get(0) + "\" at " + at + (inherited ? " applies to " + domain + " (no record at " + name
                + "; the organisational domain, taken as the last two labels, " + organisational + ", has one)" : "")
                + ": policy " + policy + (rua != null ? ", aggregate reports to " + rua : ""));
        if (policy.equals("none")) {
            add(Severity.WARNING, DMARC, "policy none" + (inherited && sp != null ? " (sp=none)" : "") + ": receivers take no"
                    + " action on mail that fails DMARC, so anyone can send as " + domain + " (Gmail and Yahoo accept p=none,"
                    + " but it protects nothing)", "once the reports show all your mail passes, publish "
                    + new DnsRecord("TXT", at, dmarcCorrected(tags, reports, true)) + " in its place");
        }
        if (rua == null) {
            add(Severity.WARNING, DMARC, "no rua=: nobody receives the aggregate reports that show which mail fails",
                    publish(new DnsRecord("TXT", at, dmarcCorrected(tags, reports, false))) + " in its place");
        }
        if (pct != null && Integer.parseInt(pct) < 100 && !policy.equals("none")) {
            add(Severity.WARNING, DMARC, "pct=" + pct + ": the policy applies to " + pct + "% of the mail that fails",
                    "remove pct= once the reports show all your mail passes");
        }
        if (request.relaySpfInclude() != null && request.dkimSelector() == null) {
            add(Severity.WARNING, DMARC, "alignment: mail sent through " + request.relaySpfInclude() + " passes SPF for the"
                    + " relay's own bounce domain, which is not " + domain + ", so DMARC passes only with a DKIM signature"
                    + " of " + domain + " or a MAIL FROM domain under " + domain + " at the relay",
                    "sign as " + domain + " with DKIM (give the selector to check it), or set a custom MAIL FROM domain at the relay");
        }
    }

    private List<String> dmarcRecords(String name) throws IOException {
        return dns.txt(name).stream().filter(t -> t.strip().toLowerCase(Locale.ROOT).startsWith("v=dmarc1")).toList();
    }

    /**
     * The organisational domain by a simple rule: the last two labels ({@code mail.example.com} →
     * {@code example.com}). It is wrong under multi-label public suffixes such as {@code co.uk}, where the record
     * looked for does not exist and the check reports none.
     */
    static String organisationalDomain(String domain) {
        String[] labels = domain.split("\\.");
        return labels.length <= 2 ? domain : labels[labels.length - 2] + "." + labels[labels.length - 1];
    }

    /** The record with its valid tags kept, {@code v=DMARC1} first, a policy (quarantine when asked or missing) and rua. */
    private static String dmarcCorrected(TagList tags, String reports, boolean quarantine) {
        StringBuilder b = new StringBuilder("v=DMARC1");
        String p = tags.get("p");
        boolean valid = p != null && List.of("none", "quarantine", "reject").contains(p.toLowerCase(Locale.ROOT));
        b.append("; p=").append(quarantine || !valid ? "quarantine" : p.toLowerCase(Locale.ROOT));
        String rua = tags.get("rua");
        b.append("; rua=").append(rua != null ? rua : "mailto:" + reports);
        for (Map.Entry<String, String> e : tags.tags().entrySet()) {
            String n = e.getKey();
            if (List.of("v", "p", "rua").contains(n)) {
                continue;
            }
            if (quarantine && n.equals("sp") && e.getValue().equalsIgnoreCase("none")) {
                continue;
            }
            if (n.equals("sp") && !List.of("none", "quarantine", "reject").contains(e.getValue().toLowerCase(Locale.ROOT))
                    || (n.equals("adkim") || n.equals("aspf")) && !e.getValue().matches("[rsRS]")
                    || n.equals("pct") && !e.getValue().matches("100|\\d{1,2}")) {
                continue;
            }
            b.append("; ").append(n).append('=').append(e.getValue());
        }
        return b.toString();
    }

    // ----------------------------------------------------------------------------------------------- MX

    private void mx() {
        List<DnsResolver.Mx> mx;
        try {
            mx = dns.mx(domain);
        } catch (IOException e) {
            lookupFailed("MX", e);
            return;
        }
        String fix = "publish MX at " + domain + ": 10 <the host that receives mail for " + domain + ">.";
        if (mx.isEmpty()) {
            List<InetAddress> a;
            try {
                a = dns.addresses(domain);
            } catch (IOException e) {
                a = List.of();
            }
            if (a.isEmpty()) {
                add(Severity.ERROR, MX, "no MX record at " + domain + " (nor an address): replies and bounces to " + domain
                        + " cannot be delivered, and receivers may refuse mail from a domain that cannot receive any", fix);
            } else {
                add(Severity.WARNING, MX, "no MX record at " + domain + ": replies and bounces go to its address "
                        + a.get(0).getHostAddress() + " (RFC 5321 §5.1), which must run a mail server", fix);
            }
            return;
        }
        List<DnsResolver.Mx> sorted = mx.stream().sorted(java.util.Comparator.comparingInt(DnsResolver.Mx::preference)).toList();
        String listed = sorted.stream().map(m -> m.preference() + " " + (m.host().isEmpty() ? "." : m.host()))
                .collect(Collectors.joining(", "));
        if (sorted.stream().allMatch(m -> m.host().isEmpty())) {
            add(Severity.ERROR, MX, "a null MX at " + domain + " (" + listed + ", RFC 7505): " + domain + " receives no mail,"
                    + " so replies and bounces are lost and receivers may refuse mail from it", "replace it: " + fix);
            return;
        }
        List<String> dead = new ArrayList<>();
        for (DnsResolver.Mx m : sorted) {
            if (m.host().isEmpty()) {
                continue;
            }
            try {
                if (dns.addresses(m.host()).isEmpty()) {
                    dead.add(m.host());
                }
            } catch (IOException e) {
                dead.add(m.host() + " (" + e.getMessage() + ")");
            }
        }
        long live = sorted.stream().filter(m -> !m.host().isEmpty()).count() - dead.size();
        if (live == 0) {
            add(Severity.ERROR, MX, "MX at " + domain + ": " + listed + ", but no MX host has an address ("
                    + String.join(", ", dead) + "): replies and bounces cannot be delivered", "publish A records for the MX"
                    + " hosts, or " + fix);
        } else if (!dead.isEmpty()) {
            add(Severity.WARNING, MX, "MX at " + domain + ": " + listed + "; " + String.join(", ", dead) + " has no address",
                    "publish its A record or remove it from the MX records");
        } else {
            ok(MX, "MX at " + domain + ": " + listed);
        }
    }

    // -------------------------------------------------------------------------------------- reverse DNS

    private void reverseDns(InetAddress ip) {
        String address = ip.getHostAddress();
        String reverse = DnsNames.reverse(ip);
        String addressType = ip instanceof Inet4Address ? "A" : "AAAA";
        List<String> names;
        try {
            names = dns.ptr(ip);
        } catch (IOException e) {
            lookupFailed("reverse DNS of " + address, e);
            return;
        }
        if (names.isEmpty()) {
            String host = "mail." + domain;
            add(Severity.ERROR, REVERSE, address + " has no PTR record (" + reverse + "): Gmail, Yahoo and Microsoft refuse"
                    + " or junk mail from addresses without reverse DNS", "ask whoever runs " + address + " (the hosting or"
                    + " network provider) to " + publish(new DnsRecord("PTR", reverse, host + ".")) + ", and "
                    + publish(new DnsRecord(addressType, host, address)));
            return;
        }
        List<String> seen = new ArrayList<>();
        for (String name : names.subList(0, Math.min(Spf.NAMES_LIMIT, names.size()))) {
            try {
                List<InetAddress> forward = dns.addresses(name);
                if (forward.contains(ip)) {
                    ok(REVERSE, address + " → " + name + " → " + address + " (forward-confirmed)");
                    return;
                }
                seen.add(name + " → " + (forward.isEmpty() ? "no address" : forward.stream().map(InetAddress::getHostAddress)
                        .collect(Collectors.joining(", "))));
            } catch (IOException e) {
                seen.add(name + " → " + e.getMessage());
            }
        }
        add(Severity.ERROR, REVERSE, address + " points to " + String.join(", ", names) + ", but " + String.join("; ", seen)
                + ": the reverse DNS is not forward-confirmed, and receivers treat it as missing",
                publish(new DnsRecord(addressType, names.get(0), address)) + " (or have the PTR of " + address
                        + " name a host whose address it is)");
    }
}
