/** Internal: what watching connections share (exported to the fleet module only). */
package dev.mailkit.imap.internal.idle;
