package dev.mailkit.imap.internal.engine;

import dev.mailkit.imap.ConflictPolicy;
import java.time.Instant;
import java.util.Objects;

/**
 * Tuning and partial-sync options of the engine, made with {@link #builder()} (the values are checked by
 * the API's builder that sets them): 4 MB of bodies per FETCH,
 * messages above 8 MB streamed in 1 MB parts, one connection, every message, two-way, the server wins a
 * conflict, local deletions go to Trash, at most half a folder deleted in one sync, local files up to 64 MiB
 * uploaded, unless set otherwise.
 */
public final class SyncOptions {

    private final long chunkBytes;
    private final long largeMessageBytes;
    private final int partBytes;
    private final int connections;
    private final Instant since;
    private final long headersOnlyAbove;
    private final boolean twoWay;
    private final ConflictPolicy policy;
    private final boolean deleteToTrash;
    private final double massDeletionShare;
    private final boolean allowMassDeletion;
    private final long maxUploadBytes;

    private SyncOptions(Builder b) {
        this.chunkBytes = b.chunkBytes;
        this.largeMessageBytes = b.largeMessageBytes;
        this.partBytes = b.partBytes;
        this.connections = b.connections;
        this.since = b.since;
        this.headersOnlyAbove = b.headersOnlyAbove;
        this.twoWay = b.twoWay;
        this.policy = b.policy;
        this.deleteToTrash = b.deleteToTrash;
        this.massDeletionShare = b.massDeletionShare;
        this.allowMassDeletion = b.allowMassDeletion;
        this.maxUploadBytes = b.maxUploadBytes;
    }

    /** @return the defaults */
    public static SyncOptions defaults() {
        return builder().build();
    }

    /** @return a builder holding the defaults */
    public static Builder builder() {
        return new Builder();
    }

    /** @return bytes of bodies per FETCH command */
    public long chunkBytes() {
        return chunkBytes;
    }

    /** @return messages above this are streamed in parts */
    public long largeMessageBytes() {
        return largeMessageBytes;
    }

    /** @return the part size for large messages */
    public int partBytes() {
        return partBytes;
    }

    /** @return connections for folders synced in parallel (1: one folder at a time) */
    public int connections() {
        return connections;
    }

    /** @return messages with an earlier INTERNALDATE are not mirrored, or null for all */
    public Instant since() {
        return since;
    }

    /** @return messages above this size get only their header, or 0 for whole messages */
    public long headersOnlyAbove() {
        return headersOnlyAbove;
    }

    /** @return whether local changes are pushed before pulling (false: mirror only) */
    public boolean twoWay() {
        return twoWay;
    }

    /** @return who wins a conflict */
    public ConflictPolicy policy() {
        return policy;
    }

    /** @return whether local deletes move the message to the server's Trash (else \Deleted + UID EXPUNGE) */
    public boolean deleteToTrash() {
        return deleteToTrash;
    }

    /** @return the share of a folder that may be deleted in one sync */
    public double massDeletionShare() {
        return massDeletionShare;
    }

    /** @return whether deletions are applied even above the share, or of a missing local folder */
    public boolean allowMassDeletion() {
        return allowMassDeletion;
    }

    /** @return local files larger than this are neither read nor uploaded */
    public long maxUploadBytes() {
        return maxUploadBytes;
    }

    /** Sets what differs from the defaults. */
    public static final class Builder {
        private long chunkBytes = 4L << 20;
        private long largeMessageBytes = 8L << 20;
        private int partBytes = 1 << 20;
        private int connections = 1;
        private Instant since;
        private long headersOnlyAbove;
        private boolean twoWay = true;
        private ConflictPolicy policy = ConflictPolicy.SERVER_WINS;
        private boolean deleteToTrash = true;
        private double massDeletionShare = 0.5;
        private boolean allowMassDeletion;
        private long maxUploadBytes = 64L << 20;

        private Builder() {
        }

        /** @param bytes bytes of bodies per FETCH command @return this */
        public Builder chunkBytes(long bytes) {
            this.chunkBytes = bytes;
            return this;
        }

        /** @param bytes messages above this are streamed in parts @return this */
        public Builder largeMessageBytes(long bytes) {
            this.largeMessageBytes = bytes;
            return this;
        }

        /** @param bytes the part size for large messages @return this */
        public Builder partBytes(int bytes) {
            this.partBytes = bytes;
            return this;
        }

        /** @param n connections for folders synced in parallel @return this */
        public Builder connections(int n) {
            this.connections = n;
            return this;
        }

        /** @param since the earliest INTERNALDATE mirrored, or null for all @return this */
        public Builder since(Instant since) {
            this.since = since;
            return this;
        }

        /** @param bytes messages above this size get only their header (0: whole messages) @return this */
        public Builder headersOnlyAbove(long bytes) {
            this.headersOnlyAbove = bytes;
            return this;
        }

        /** @param twoWay push local changes before pulling (false: mirror only) @return this */
        public Builder twoWay(boolean twoWay) {
            this.twoWay = twoWay;
            return this;
        }

        /** @param policy who wins a conflict @return this */
        public Builder policy(ConflictPolicy policy) {
            this.policy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** @param toTrash local deletes move the message to the server's Trash @return this */
        public Builder deleteToTrash(boolean toTrash) {
            this.deleteToTrash = toTrash;
            return this;
        }

        /** @param share the share of a folder that may be deleted in one sync @return this */
        public Builder massDeletionShare(double share) {
            this.massDeletionShare = share;
            return this;
        }

        /** @param allow apply deletions even above the share, or of a missing local folder @return this */
        public Builder allowMassDeletion(boolean allow) {
            this.allowMassDeletion = allow;
            return this;
        }

        /** @param bytes local files larger than this are neither read nor uploaded @return this */
        public Builder maxUploadBytes(long bytes) {
            this.maxUploadBytes = bytes;
            return this;
        }

        /** @return the options */
        public SyncOptions build() {
            return new SyncOptions(this);
        }
    }
}
