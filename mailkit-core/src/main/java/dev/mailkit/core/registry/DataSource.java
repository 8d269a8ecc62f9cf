package dev.mailkit.core.registry;

import java.time.LocalDate;
import java.util.Objects;

/**
 * Where a provider's settings were taken from, and when they were last checked against it: the provider's
 * own help page (an {@code https} URL) or a file of Thunderbird's ISPDB ({@code ispdb:laposte.net}).
 * In the provider XML format: {@code <source checked="2026-12-06">ispdb:laposte.net</source>}.
 *
 * @param reference the help page URL, or {@code ispdb:} and the ISPDB file name without {@code .xml}
 * @param checked   the day the settings were last compared with the source
 */
public record DataSource(String reference, LocalDate checked) {

    /** Prefix of references to a file of Thunderbird's ISPDB. */
    public static final String ISPDB = "ispdb:";

    /**
     * Validates.
     *
     * @param reference the help page URL, or {@code ispdb:} and the ISPDB file name without {@code .xml}
     * @param checked   the day the settings were last compared with the source
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if the reference is blank
     */
    public DataSource {
        Objects.requireNonNull(reference, "reference");
        Objects.requireNonNull(checked, "checked");
        reference = reference.strip();
        if (reference.isEmpty()) {
            throw new IllegalArgumentException("source reference must not be blank");
        }
    }

    /**
     * Whether this source is a file of Thunderbird's ISPDB rather than the provider's own page.
     *
     * @return true for {@code ispdb:} references
     */
    public boolean isIspdb() {
        return reference.startsWith(ISPDB);
    }
}
