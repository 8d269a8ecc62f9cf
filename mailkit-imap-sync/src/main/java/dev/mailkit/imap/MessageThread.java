package dev.mailkit.imap;

import java.util.List;
import java.util.Optional;

/**
 * A conversation in a folder, as {@link LocalMailbox#threads} builds it (JWZ threading: by References and
 * In-Reply-To, then by subject for messages that lost those headers), or one message in it with the replies below it.
 */
public interface MessageThread {

    /**
     * The message at this point of the tree; empty for a message the replies refer to but the folder lacks
     * (the parent of two replies whose original was deleted or is in another folder).
     *
     * @return the message, if the folder holds it
     */
    Optional<Envelope> message();

    /**
     * The replies to this message, oldest first.
     *
     * @return the replies
     */
    List<MessageThread> replies();

    /**
     * How many messages this part of the tree holds (this one, if present, and all below it).
     *
     * @return the number of messages
     */
    int size();

    /**
     * The newest message of this part of the tree.
     *
     * @return the newest envelope
     */
    Envelope latest();

    /**
     * The subject of the conversation: that of its first message.
     *
     * @return the subject
     */
    String subject();
}
