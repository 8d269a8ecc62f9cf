package dev.mailkit.core.internal.deliverability;

import dev.mailkit.core.DnsResolver;
import dev.mailkit.core.internal.deliverability.SpfRecord.Directive;
import dev.mailkit.core.internal.deliverability.SpfRecord.Modifier;
import dev.mailkit.core.internal.deliverability.SpfRecord.Qualifier;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * SPF over a {@link BoundedDns}: the records at a name, a walk through a record's include tree that counts
 * look-ups as RFC 7208 §4.6.4 does, and {@code check_host()} for one address (RFC 7208 §4).
 */
final class Spf {

    /** Terms that ask DNS, per check (RFC 7208 §4.6.4). */
    static final int LOOKUP_LIMIT = 10;
    /** Look-ups that find nothing, per check (RFC 7208 §4.6.4). */
    static final int VOID_LIMIT = 2;
    /** Where a walk or an evaluation stops counting, so a runaway include tree costs a bounded number of queries. */
    static final int CAP = 40;
    /** MX or PTR names looked at per term (RFC 7208 §4.6.4). */
    static final int NAMES_LIMIT = 10;

    private final BoundedDns dns;
    /** The domain checked: the sender is postmaster@ it and it is the HELO name, for macros. */
    private final String root;

    Spf(BoundedDns dns, String root) {
        this.dns = dns;
        this.root = root;
    }

    /**
     * The SPF records at a name (TXT records that start with {@code v=spf1}).
     *
     * @throws IOException if the look-up fails
     */
    List<String> records(String name) throws IOException {
        List<String> out = new ArrayList<>();
        for (String t : dns.txt(name)) {
            if (SpfRecord.isSpf(t)) {
                out.add(t);
            }
        }
        return out;
    }

    /** What a walk through a record and everything it includes found. */
    static final class Tree {
        /** Terms that ask DNS, counted through every include and redirect. */
        int lookups;
        /** Look-ups that found nothing, and the terms that made them. */
        final List<String> voids = new ArrayList<>();
        /** Look-ups per term of the checked record (an include counts with everything below it). */
        final Map<String, Integer> perTerm = new LinkedHashMap<>();
        /** Causes of a permanent error other than the limits (broken includes, loops, too many MX names). */
        final List<String> errors = new ArrayList<>();
        /** Look-ups that failed. */
        final List<String> failures = new ArrayList<>();
        /** Odd but not wrong. */
        final List<String> warnings = new ArrayList<>();
        /** Domains reached through passing includes and redirects, with the chain that reaches them. */
        final Map<String, String> reached = new LinkedHashMap<>();
        /** Whether the walk stopped counting at {@link #CAP}. */
        boolean capped;
    }

    /**
     * Walks a record and everything it includes or redirects to, counting look-ups and void look-ups.
     *
     * @param record the checked domain's record
     * @return what was found
     */
    Tree walk(SpfRecord record) {
        Tree tree = new Tree();
        List<String> path = new ArrayList<>(List.of(root));
        walk(tree, record, root, path, true, null);
        return tree;
    }

    private void walk(Tree tree, SpfRecord record, String domain, List<String> path, boolean passing, String top) {
        for (Directive d : record.directives()) {
            if (tree.capped) {
                return;
            }
            String term = top != null ? top : d.text();
            if (d.looksUp() && count(tree, term)) {
                return;
            }
            String where = "'" + d.text() + "'" + (domain.equals(root) ? "" : " at " + domain);
            switch (d.mechanism()) {
                case "include" -> {
                    String target = target(tree, d.domainSpec(), domain, where);
                    if (target != null) {
                        follow(tree, target, domain, path, passing && d.qualifier() == Qualifier.PASS, term, where, "include");
                    }
                }
                case "a" -> {
                    String target = target(tree, d.domainSpec(), domain, where);
                    if (target != null) {
                        try {
                            if (dns.addresses(target).isEmpty()) {
                                tree.voids.add(where + ": " + target + " has no A or AAAA record");
                            }
                        } catch (IOException e) {
                            tree.failures.add(e.getMessage());
                        }
                    }
                }
                case "mx" -> {
                    String target = target(tree, d.domainSpec(), domain, where);
                    if (target != null) {
                        try {
                            List<DnsResolver.Mx> mx = dns.mx(target);
                            if (mx.isEmpty()) {
                                tree.voids.add(where + ": " + target + " has no MX record");
                            } else if (mx.size() > NAMES_LIMIT) {
                                tree.errors.add(where + ": " + target + " has " + mx.size() + " MX records; SPF looks at "
                                        + NAMES_LIMIT + " at most and fails beyond (RFC 7208 §4.6.4)");
                            }
                        } catch (IOException e) {
                            tree.failures.add(e.getMessage());
                        }
                    }
                }
                case "ptr" -> tree.warnings.add(where + ": ptr is slow and unreliable, and RFC 7208 §5.5 says not to use it;"
                        + " some receivers ignore it");
                case "exists" -> {
                    if (!SpfMacro.needsAddress(d.domainSpec())) {
                        String target = SpfMacro.expand(d.domainSpec(), context(null, domain));
                        try {
                            if (dns.addresses(target).isEmpty()) {
                                tree.voids.add(where + ": " + target + " has no A record");
                            }
                        } catch (IOException e) {
                            tree.failures.add(e.getMessage());
                        }
                    }
                }
                default -> {
                    // all, ip4, ip6: no look-up
                }
            }
        }
        Modifier redirect = record.modifier("redirect");
        if (redirect != null && !tree.capped) {
            String where = "'" + redirect.text() + "'" + (domain.equals(root) ? "" : " at " + domain);
            if (record.all() != null) {
                tree.warnings.add(where + " is never used: the record has an all term, which always matches first");
                return;
            }
            String term = top != null ? top : redirect.text();
            if (count(tree, term)) {
                return;
            }
            String target = target(tree, redirect.value(), domain, where);
            if (target != null) {
                follow(tree, target, domain, path, passing, term, where, "redirect");
            }
        }
    }

    /** Counts one look-up; true when the walk must stop. */
    private static boolean count(Tree tree, String term) {
        tree.lookups++;
        tree.perTerm.merge(term, 1, Integer::sum);
        if (tree.lookups >= CAP) {
            tree.capped = true;
            return true;
        }
        return false;
    }

    private void follow(Tree tree, String target, String from, List<String> path, boolean passing, String term, String where,
                        String how) {
        if (path.contains(target)) {
            tree.errors.add(where + " loops back to " + target + " (" + String.join(" → ", path) + " → " + target + ")");
            return;
        }
        List<String> deeper = new ArrayList<>(path);
        deeper.add(target);
        if (passing) {
            tree.reached.putIfAbsent(target, String.join(" → ", deeper));
        }
        List<String> found;
        try {
            found = records(target);
        } catch (IOException e) {
            tree.failures.add(e.getMessage());
            return;
        }
        if (found.isEmpty()) {
            tree.errors.add(where + ": " + target + " has no SPF record, which makes the " + how + " a permanent error");
            return;
        }
        if (found.size() > 1) {
            tree.errors.add(where + ": " + target + " has " + found.size() + " SPF records, a permanent error");
            return;
        }
        SpfRecord sub = SpfRecord.parse(found.get(0));
        if (!sub.errors().isEmpty()) {
            tree.errors.add(where + ": the SPF record of " + target + " is not valid (" + String.join("; ", sub.errors()) + ")");
        }
        walk(tree, sub, target, deeper, passing, term);
    }

    private String target(Tree tree, String spec, String domain, String where) {
        if (spec == null) {
            return domain;
        }
        if (SpfMacro.needsAddress(spec)) {
            tree.warnings.add(where + " depends on the sending address: not followed here");
            return null;
        }
        return SpfMacro.expand(spec, context(null, domain));
    }

    private SpfMacro.Context context(InetAddress ip, String domain) {
        return new SpfMacro.Context(ip, "postmaster@" + root, domain, root);
    }

    /** The results of {@code check_host()}. */
    enum Result {
        PASS, FAIL, SOFTFAIL, NEUTRAL, NONE, PERMERROR, TEMPERROR;

        static Result of(Qualifier q) {
            return switch (q) {
                case PASS -> PASS;
                case FAIL -> FAIL;
                case SOFTFAIL -> SOFTFAIL;
                case NEUTRAL -> NEUTRAL;
            };
        }

        @Override
        public String toString() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * A result and why.
     *
     * @param result the result
     * @param why    the term that decided it (with the includes that led there), or the error
     */
    record Outcome(Result result, String why) {
    }

    /**
     * {@code check_host()} for one address and the checked domain (RFC 7208 §4): the sender is
     * {@code postmaster@domain} and the HELO name the domain. The look-up limit of 10 is not applied (it is
     * reported on its own); a runaway evaluation stops at {@link #CAP} look-ups.
     *
     * @param ip the sending address
     * @return the result
     */
    Outcome checkHost(InetAddress ip) {
        return new Evaluation(ip).eval(root, new ArrayList<>(List.of(root)));
    }

    /** One evaluation, with its count of look-ups. */
    private final class Evaluation {
        private final InetAddress ip;
        private int lookups;

        Evaluation(InetAddress ip) {
            this.ip = ip;
        }

        Outcome eval(String domain, List<String> path) {
            List<String> found;
            try {
                found = records(domain);
            } catch (IOException e) {
                return new Outcome(Result.TEMPERROR, e.getMessage());
            }
            if (found.isEmpty()) {
                return new Outcome(Result.NONE, domain + " has no SPF record");
            }
            if (found.size() > 1) {
                return new Outcome(Result.PERMERROR, domain + " has " + found.size() + " SPF records");
            }
            SpfRecord record = SpfRecord.parse(found.get(0));
            if (!record.errors().isEmpty()) {
                return new Outcome(Result.PERMERROR, "the SPF record of " + domain + " is not valid");
            }
            for (Directive d : record.directives()) {
                Outcome m = match(d, domain, path);
                if (m != null) {
                    return m;
                }
            }
            Modifier redirect = record.modifier("redirect");
            if (redirect != null) {
                if (++lookups > CAP) {
                    return new Outcome(Result.PERMERROR, "more than " + CAP + " look-ups");
                }
                String target = expand(redirect.value(), domain);
                if (target == null || path.contains(target)) {
                    return new Outcome(Result.PERMERROR, "'" + redirect.text() + "' at " + domain + " cannot be followed");
                }
                List<String> deeper = new ArrayList<>(path);
                deeper.add(target);
                Outcome o = eval(target, deeper);
                return o.result() == Result.NONE ? new Outcome(Result.PERMERROR, o.why())
                        : new Outcome(o.result(), "'" + redirect.text() + "'" + at(domain) + " → " + o.why());
            }
            return new Outcome(Result.NEUTRAL, "no term of " + domain + "'s SPF record matches");
        }

        /** The outcome when the directive matches (or errs), null when it does not match. */
        private Outcome match(Directive d, String domain, List<String> path) {
            if (d.looksUp() && ++lookups > CAP) {
                return new Outcome(Result.PERMERROR, "more than " + CAP + " look-ups");
            }
            String here = "'" + d.text() + "'" + at(domain);
            try {
                if (d.mechanism().equals("include")) {
                    String target = target(d, domain);
                    if (path.contains(target)) {
                        return new Outcome(Result.PERMERROR, here + " loops back to " + target);
                    }
                    List<String> deeper = new ArrayList<>(path);
                    deeper.add(target);
                    Outcome o = eval(target, deeper);
                    return switch (o.result()) {
                        case PASS -> new Outcome(Result.of(d.qualifier()), here + " → " + o.why());
                        case TEMPERROR, PERMERROR -> o;
                        case NONE -> new Outcome(Result.PERMERROR, here + ": " + o.why());
                        default -> null; // fail, softfail, neutral: the include does not match
                    };
                }
                boolean matched = switch (d.mechanism()) {
                    case "all" -> true;
                    case "ip4" -> ip instanceof Inet4Address && d.network() instanceof Inet4Address
                            && inNetwork(ip, d.network(), d.cidr4());
                    case "ip6" -> !(ip instanceof Inet4Address) && !(d.network() instanceof Inet4Address)
                            && inNetwork(ip, d.network(), d.cidr6());
                    case "a" -> anyInNetwork(dns.addresses(target(d, domain)), d);
                    case "mx" -> {
                        List<DnsResolver.Mx> mx = dns.mx(target(d, domain));
                        if (mx.size() > NAMES_LIMIT) {
                            throw new IllegalStateException(here + ": more than " + NAMES_LIMIT + " MX records");
                        }
                        boolean any = false;
                        for (DnsResolver.Mx m : mx) {
                            if (!m.host().isEmpty() && anyInNetwork(dns.addresses(m.host()), d)) {
                                any = true;
                                break;
                            }
                        }
                        yield any;
                    }
                    case "ptr" -> ptrMatches(target(d, domain));
                    case "exists" -> dns.addresses(target(d, domain)).stream().anyMatch(a -> a instanceof Inet4Address);
                    default -> false;
                };
                return matched ? new Outcome(Result.of(d.qualifier()), here) : null;
            } catch (IOException e) {
                return new Outcome(Result.TEMPERROR, e.getMessage());
            } catch (IllegalStateException e) {
                return new Outcome(Result.PERMERROR, e.getMessage());
            }
        }

        private String target(Directive d, String domain) {
            if (d.domainSpec() == null) {
                return domain;
            }
            String t = expand(d.domainSpec(), domain);
            if (t == null) {
                throw new IllegalStateException("'" + d.text() + "' cannot be expanded");
            }
            return t;
        }

        private String expand(String spec, String domain) {
            try {
                return SpfMacro.expand(spec, context(ip, domain));
            } catch (IllegalStateException | StringIndexOutOfBoundsException e) {
                return null;
            }
        }

        private boolean anyInNetwork(List<InetAddress> addresses, Directive d) {
            for (InetAddress a : addresses) {
                boolean v4 = a instanceof Inet4Address;
                if (v4 == ip instanceof Inet4Address && inNetwork(ip, a, v4 ? d.cidr4() : d.cidr6())) {
                    return true;
                }
            }
            return false;
        }

        private boolean ptrMatches(String target) throws IOException {
            List<String> names = dns.ptr(ip);
            for (String name : names.subList(0, Math.min(NAMES_LIMIT, names.size()))) {
                if (!(name.equals(target) || name.endsWith("." + target))) {
                    continue;
                }
                try {
                    for (InetAddress a : dns.addresses(name)) {
                        if (a.equals(ip)) {
                            return true;
                        }
                    }
                } catch (IOException e) {
                    // RFC 7208 §5.5: a name whose look-up fails is skipped
                }
            }
            return false;
        }
    }

    private String at(String domain) {
        return domain.equals(root) ? "" : " at " + domain;
    }

    /**
     * Whether an address is in a network.
     *
     * @param ip      the address
     * @param network the network's address (same family)
     * @param prefix  the prefix length
     * @return true when the first {@code prefix} bits agree
     */
    static boolean inNetwork(InetAddress ip, InetAddress network, int prefix) {
        byte[] a = ip.getAddress();
        byte[] n = network.getAddress();
        if (a.length != n.length) {
            return false;
        }
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (a[i] != n[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (a[full] & mask) == (n[full] & mask);
    }
}
