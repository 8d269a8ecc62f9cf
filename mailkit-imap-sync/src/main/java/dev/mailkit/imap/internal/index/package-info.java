/**
 * The envelope index in the SQLite state: its tables (schema version 6), how text is prepared for SQLite's FTS5
 * (Chinese, Japanese and Korean as overlapping character pairs), the rows written in the same transaction as the
 * sync's own, the repair of what a state written without the index lacks, the search query language and its SQL,
 * and JWZ threading. Not API.
 */
package dev.mailkit.imap.internal.index;
