/**
 * Micrometer meters for mailkit: {@link dev.mailkit.micrometer.SmtpMetrics} counts and times sending
 * through {@link dev.mailkit.smtp.SendListener}, {@link dev.mailkit.micrometer.SyncMetrics} counts and
 * times syncing through {@link dev.mailkit.imap.SyncListener}. No tag ever holds an address, a user
 * name, a folder name or a secret: tags take values from small fixed sets (a failure's kind, an SMTP
 * reply class such as {@code 5xx}, a folder's special-use role), so the number of series stays bounded.
 * Spring is not needed; {@code mailkit-spring-boot-starter} binds these for Spring Boot applications.
 */
package dev.mailkit.micrometer;
