package dev.mailkit.spring.boot;

import dev.mailkit.smtp.SmtpSender;

/**
 * Changes the builder of the auto-configured {@link SmtpSender} after the {@code mailkit.*} properties were
 * applied and before it is built: for what the properties do not cover (a retry policy, an executor).
 * Every bean of this type is called, in {@link org.springframework.core.annotation.Order} order.
 */
@FunctionalInterface
public interface SmtpSenderCustomizer {

    /**
     * Changes the builder.
     *
     * @param builder the builder, with the properties applied
     */
    void customize(SmtpSender.Builder builder);
}
