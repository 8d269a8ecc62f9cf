/** What a failed send was, and whether another attempt may succeed. Not API. */
package dev.mailkit.smtp.internal.retry;
