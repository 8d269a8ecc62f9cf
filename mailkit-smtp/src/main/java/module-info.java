/**
 * mailkit SMTP: sending mail through a provider's submission server.
 *
 * <p>Exports {@code dev.mailkit.smtp}, and reads mailkit core and Jakarta Mail transitively, since the API
 * uses their types ({@link dev.mailkit.core.MailSession}, {@link jakarta.mail.internet.MimeMessage}).
 */
module dev.mailkit.smtp {
    exports dev.mailkit.smtp;

    // Jakarta Mail's Session creates mailkit's SMTP transport by class name, through its public constructor.
    exports dev.mailkit.smtp.internal.angus to jakarta.mail;

    requires transitive dev.mailkit.core;
    requires transitive jakarta.mail;
    requires org.eclipse.angus.mail;
    requires org.slf4j;
    // DKIM canonicalisation and hashing; no type of it is in mailkit's API
    requires apache.jdkim.library;
}
