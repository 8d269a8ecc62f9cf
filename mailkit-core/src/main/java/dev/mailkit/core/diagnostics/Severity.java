package dev.mailkit.core.diagnostics;

/** How bad a {@link Finding} is. */
public enum Severity {
    /** Nothing wrong. */
    OK,
    /** Works, but not as it should (for example plaintext where TLS is offered). */
    WARNING,
    /** Cannot work as given. */
    ERROR
}
