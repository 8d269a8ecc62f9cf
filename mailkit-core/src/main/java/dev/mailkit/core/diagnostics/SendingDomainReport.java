package dev.mailkit.core.diagnostics;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link MailDiagnostics#checkSendingDomain} found: one {@link Finding} per check (SPF, DKIM, DMARC, MX,
 * reverse DNS, and DNS for look-ups that failed), in the order made, and the records that would fix what is
 * wrong. The findings' protocol is {@link dev.mailkit.core.Protocol#SMTP}: they are about sending.
 *
 * @param domain           the domain checked
 * @param findings         every finding
 * @param recordsToPublish the records the fixes name, in the order of the findings; empty when nothing is wrong. A
 *                         fix for later (DMARC's move from {@code p=none} to {@code p=quarantine}, once reports show
 *                         all mail passes) names its record in its text only
 */
public record SendingDomainReport(String domain, List<Finding> findings, List<DnsRecord> recordsToPublish) {

    /**
     * Copies.
     *
     * @param domain           the domain checked
     * @param findings         every finding
     * @param recordsToPublish the records the fixes name
     */
    public SendingDomainReport {
        Objects.requireNonNull(domain, "domain");
        findings = List.copyOf(findings);
        recordsToPublish = List.copyOf(recordsToPublish);
    }

    /**
     * Whether no check found an error: receivers should accept mail from the domain as far as DNS can tell
     * (warnings may remain).
     *
     * @return true when no finding is an {@link Severity#ERROR}
     */
    public boolean deliverable() {
        return firstError().isEmpty();
    }

    /**
     * The first error found.
     *
     * @return the first {@link Severity#ERROR} finding, or empty
     */
    public Optional<Finding> firstError() {
        return findings.stream().filter(f -> f.severity() == Severity.ERROR).findFirst();
    }
}
