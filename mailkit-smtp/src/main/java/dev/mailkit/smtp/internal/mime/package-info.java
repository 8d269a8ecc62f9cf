/** Turning an {@link dev.mailkit.smtp.Email} into MIME: assembly, the fast writer, base64 lines. Not API. */
package dev.mailkit.smtp.internal.mime;
