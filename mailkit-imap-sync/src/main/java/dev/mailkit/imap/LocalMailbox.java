package dev.mailkit.imap;

import dev.mailkit.imap.internal.read.DefaultLocalMailbox;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;

/**
 * Reading and searching a mirrored Maildir offline: its folders' envelopes, listed page by page from the
 * envelope index without opening a file; one message opened and parsed; a folder's conversations; and a
 * search over subjects, addresses, text and attachment names with a small query language (see
 * {@link #search(String, int, int)}).
 *
 * <p>The index lives in the mirror's {@code mailkit-state.db} and is kept by every {@link ImapSynchronizer} that
 * syncs into the Maildir, in the same transaction as the sync state itself, so that after any sync (or a sync
 * killed at any point) it describes exactly the messages the state does. A mailbox can be open while a
 * synchronizer, in this process or another, syncs the same Maildir: each call sees the mirror as of the last
 * transaction committed. Messages moved or appended locally appear once a sync has pushed them.
 *
 * <p>Thread-safe; calls are serialised. Close it to release its database connection.
 */
public interface LocalMailbox extends AutoCloseable {

    /**
     * Opens the mirror in a Maildir that a synchronizer wrote ({@code mailkit-state.db} in it). When no
     * synchronizer is using the Maildir, anything the index lacks (a state written by a mailkit without the
     * index, messages whose files could not be read when they arrived) is indexed first.
     *
     * @param maildir the Maildir, as given to {@link ImapSynchronizer.Builder#maildir(Path)}
     * @return the mailbox
     * @throws SyncStateException if there is no mirror there, or its state cannot be read
     */
    static LocalMailbox open(Path maildir) {
        return open(maildir, ZoneId.systemDefault());
    }

    /**
     * Opens the mirror in a Maildir, reading the dates of search queries ({@code after:2026-01-31}) in a time zone.
     *
     * @param maildir the Maildir, as given to {@link ImapSynchronizer.Builder#maildir(Path)}
     * @param zone    where a query's day starts and ends
     * @return the mailbox
     * @throws SyncStateException if there is no mirror there, or its state cannot be read
     */
    static LocalMailbox open(Path maildir, ZoneId zone) {
        return DefaultLocalMailbox.open(maildir, zone);
    }

    /**
     * Every mirrored folder, by name.
     *
     * @return the folder names
     */
    List<String> folders();

    /**
     * How many messages a folder holds, counted in the index.
     *
     * @param folder the server folder name
     * @return the number of messages (0 for an unknown folder)
     */
    int count(String folder);

    /**
     * A page of a folder's envelopes, read from the index alone.
     *
     * @param folder the server folder name
     * @param sort   the order
     * @param offset how many to skip
     * @param limit  at most how many to return (1 to 10,000)
     * @return the envelopes
     * @throws IllegalArgumentException if the folder is not mirrored, or offset or limit are out of range
     */
    List<Envelope> list(String folder, EnvelopeSort sort, int offset, int limit);

    /**
     * One message's envelope.
     *
     * @param folder the server folder name
     * @param uid    its UID
     * @return the envelope, if the mirror holds the message
     */
    Optional<Envelope> envelope(String folder, long uid);

    /**
     * Opens and parses a message (a pass over its file, in bounded memory).
     *
     * @param folder the server folder name
     * @param uid    its UID
     * @return the message
     * @throws IllegalArgumentException if the mirror holds no such message
     * @throws SyncStateException       if its file cannot be read
     */
    LocalMessage open(String folder, long uid);

    /**
     * Opens a message by its id, {@code FOLDER:UID} (see {@link Envelope#id()}).
     *
     * @param id the id, for example {@code INBOX:17}
     * @return the message
     * @throws IllegalArgumentException if the id is malformed or the mirror holds no such message
     * @throws SyncStateException       if its file cannot be read
     */
    LocalMessage open(String id);

    /**
     * Streams a message's bytes exactly as the server sent them.
     *
     * @param folder the server folder name
     * @param uid    its UID
     * @return the stream; the caller closes it
     * @throws IllegalArgumentException if the mirror holds no such message
     * @throws IOException              if its file cannot be read
     */
    InputStream openRaw(String folder, long uid) throws IOException;

    /**
     * A page of a folder's conversations, the one with the newest message first.
     *
     * @param folder the server folder name
     * @param offset how many conversations to skip
     * @param limit  at most how many to return (1 to 10,000)
     * @return the conversations, each a tree of messages and their replies
     * @throws IllegalArgumentException if the folder is not mirrored, or offset or limit are out of range
     */
    List<MessageThread> threads(String folder, int offset, int limit);

    /**
     * Searches every folder, newest first. The query language:
     * <table>
     * <caption>Search terms</caption>
     * <tr><th>term</th><th>matches messages</th></tr>
     * <tr><td>{@code word}, {@code "a phrase"}</td><td>with the word (or the words in that order) in the subject, an
     * address or name, the text or an attachment's name; case and accents do not matter; Chinese, Japanese and Korean
     * are found by any run of characters</td></tr>
     * <tr><td>{@code repo*}</td><td>with a word starting so</td></tr>
     * <tr><td>{@code from:x}, {@code to:x}, {@code subject:x}, {@code body:x}, {@code filename:x}</td><td>with x in
     * that field ({@code to:} covers To and Cc; {@code filename:} attachment names; x may be a quoted phrase)</td></tr>
     * <tr><td>{@code has:attachment}</td><td>with an attachment</td></tr>
     * <tr><td>{@code is:unread}, {@code is:read}, {@code is:flagged}, {@code is:answered}, {@code is:draft}</td>
     * <td>with those flags</td></tr>
     * <tr><td>{@code folder:INBOX}</td><td>in that folder</td></tr>
     * <tr><td>{@code after:2026-01-31}, {@code before:2026-02-01}</td><td>dated on or after the start of that day /
     * before the start of that day, in the mailbox's time zone</td></tr>
     * <tr><td>{@code -term}</td><td>without it</td></tr>
     * </table>
     * Terms are combined with AND. A query is at most 1,000 characters and 32 terms.
     *
     * @param query  the query
     * @param offset how many matches to skip
     * @param limit  at most how many to return (1 to 10,000)
     * @return the matching envelopes, newest first
     * @throws QuerySyntaxException     if the query cannot be read; the message names the problem
     * @throws IllegalArgumentException if offset or limit are out of range
     */
    List<Envelope> search(String query, int offset, int limit);

    /**
     * How many messages a query matches.
     *
     * @param query the query, as {@link #search(String, int, int)} reads it
     * @return the number of matches
     * @throws QuerySyntaxException if the query cannot be read
     */
    int searchCount(String query);

    /**
     * Rebuilds the whole index from the Maildir's files (for example after the files were edited by hand). Needs
     * the Maildir to itself: no synchronizer may be using it.
     *
     * @return how many messages were indexed
     * @throws SyncStateException if a synchronizer is using the Maildir, or the state cannot be written
     */
    int rebuildIndex();

    /** Releases the database connection. */
    @Override
    void close();
}
