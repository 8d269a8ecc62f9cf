/** Implementation of mailkit IMAP sync; not API, may change in any release. */
package dev.mailkit.imap.internal;
