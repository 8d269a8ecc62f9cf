/**
 * mailkit IMAP sync: two-way synchronisation of IMAP mailboxes with a local Maildir, the sync state kept
 * in SQLite.
 *
 * <p>Exports {@code dev.mailkit.imap} (the synchronizer and what it reports) and {@code dev.mailkit.imap.spi}
 * (for other stores of mail or state), and reads mailkit core transitively.
 */
@SuppressWarnings("module") // the qualified export names a module built after this one
module dev.mailkit.imap {
    exports dev.mailkit.imap;
    exports dev.mailkit.imap.spi;
    // the watching connections' helpers, for the fleet's watch mode (built after this module)
    exports dev.mailkit.imap.internal.idle to dev.mailkit.fleet;

    requires transitive dev.mailkit.core;
    requires org.eclipse.angus.mail;
    requires org.slf4j;
    requires java.sql;
    // The SQLite JDBC driver, which java.sql's DriverManager finds as a java.sql.Driver service: required
    // so that it is resolved even where services are not bound (a jlink image, --limit-modules).
    requires org.xerial.sqlitejdbc;
    // Reading mirrored mail: mime4j's parser and its lenient field parsers. Their jars name no module, so they are
    // automatic modules named after their files.
    requires apache.mime4j.core;
    requires apache.mime4j.dom;
    // mime4j's own dependency: a named module, which the automatic modules above cannot require themselves, so
    // without this line it is not resolved on a module path (NoClassDefFoundError in mime4j's field parser)
    requires org.apache.commons.io;
}
