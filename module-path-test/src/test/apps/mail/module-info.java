/** An application that uses mailkit on the module path, requiring only mailkit's SMTP and IMAP modules. */
module app {
    requires dev.mailkit.smtp;
    requires dev.mailkit.imap;
}
