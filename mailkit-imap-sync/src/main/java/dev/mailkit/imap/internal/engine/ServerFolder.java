package dev.mailkit.imap.internal.engine;



/** A folder the server listed and this sync mirrors. */
record ServerFolder(String name, char separator, String specialUse) {
}
