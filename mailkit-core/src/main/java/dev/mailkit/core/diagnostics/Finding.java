package dev.mailkit.core.diagnostics;

import dev.mailkit.core.Protocol;

import java.util.Objects;

/**
 * One finding of {@link SettingsCheck} or {@link MailDiagnostics}.
 *
 * @param protocol what it is about: SMTP (sending), IMAP (receiving), or null for the address itself
 * @param severity OK, WARNING or ERROR
 * @param check    the step or what was checked, for example {@code "TLS"} or {@code "smtp host"}
 * @param evidence what was seen
 * @param fix      the fix in one sentence; empty when nothing is to be done
 */
public record Finding(Protocol protocol, Severity severity, String check, String evidence, String fix) {

    /**
     * Validates.
     *
     * @throws NullPointerException if a component other than protocol is null
     */
    public Finding {
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(check, "check");
        Objects.requireNonNull(evidence, "evidence");
        Objects.requireNonNull(fix, "fix");
    }

    /** The evidence and, when there is one, the fix. */
    public String message() {
        return fix.isEmpty() ? evidence : evidence + ": " + fix;
    }

    @Override
    public String toString() {
        return (protocol == null ? "" : protocol + " ") + check + " " + severity + ": " + evidence
                + (fix.isEmpty() ? "" : " — " + fix);
    }
}
