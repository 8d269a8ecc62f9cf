package dev.mailkit.imap.internal.read;

import dev.mailkit.imap.Envelope;
import dev.mailkit.imap.MessageThread;
import java.util.List;
import java.util.Optional;

/** A {@link MessageThread} node, built from the threader's tree (at most {@link Threader#MAX_DEPTH} deep). */
final class ThreadNode implements MessageThread {

    private final Envelope message;
    private final List<MessageThread> replies;
    private final int size;
    private final Envelope latest;

    ThreadNode(Envelope message, List<MessageThread> replies) {
        this.message = message;
        this.replies = List.copyOf(replies);
        int n = message == null ? 0 : 1;
        Envelope newest = message;
        for (MessageThread r : this.replies) {
            n += r.size();
            if (newest == null || r.latest().date().isAfter(newest.date())) {
                newest = r.latest();
            }
        }
        this.size = n;
        this.latest = newest;
    }

    @Override
    public Optional<Envelope> message() {
        return Optional.ofNullable(message);
    }

    @Override
    public List<MessageThread> replies() {
        return replies;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public Envelope latest() {
        return latest;
    }

    @Override
    public String subject() {
        if (message != null) {
            return message.subject();
        }
        return replies.isEmpty() ? "" : replies.get(0).subject();
    }

    @Override
    public String toString() {
        return "MessageThread[" + size + " message(s), " + subject() + "]";
    }
}
