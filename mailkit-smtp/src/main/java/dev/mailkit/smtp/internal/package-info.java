/** Implementation of mailkit SMTP; not API, may change in any release. */
package dev.mailkit.smtp.internal;
