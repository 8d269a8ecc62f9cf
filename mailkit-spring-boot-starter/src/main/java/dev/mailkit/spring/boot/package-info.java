/**
 * Spring Boot 3.5 auto-configuration for mailkit: an {@link dev.mailkit.smtp.SmtpSender} and, when asked, an
 * {@link dev.mailkit.imap.ImapSynchronizer} with its watch tied to the application's lifecycle, made from the
 * {@code mailkit.*} properties ({@link dev.mailkit.spring.boot.MailkitProperties}); OAuth2 login when
 * mailkit-oauth2 is on the class path; a health indicator; and Micrometer meters when the application has a
 * {@code MeterRegistry}.
 */
package dev.mailkit.spring.boot;
