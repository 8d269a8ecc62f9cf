package dev.mailkit.spring.boot;

import dev.mailkit.imap.ImapSynchronizer;

/**
 * Changes the builder of the auto-configured {@link ImapSynchronizer} after the {@code mailkit.*} properties
 * were applied and before it is built: for what the properties do not cover (a conflict policy, an
 * {@code onlySince} date, another message store). Every bean of this type is called, in
 * {@link org.springframework.core.annotation.Order} order.
 */
@FunctionalInterface
public interface ImapSynchronizerCustomizer {

    /**
     * Changes the builder.
     *
     * @param builder the builder, with the properties applied
     */
    void customize(ImapSynchronizer.Builder builder);
}
