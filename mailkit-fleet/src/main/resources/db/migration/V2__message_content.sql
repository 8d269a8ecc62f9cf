-- Mirrored messages of every account, their content stored once by SHA-256 in bytea chunks.

CREATE TABLE blobs (
    sha256   BYTEA PRIMARY KEY,          -- SHA-256 of the message's bytes
    size     BIGINT NOT NULL,
    chunks   INTEGER NOT NULL
);

CREATE TABLE blob_chunks (
    sha256   BYTEA NOT NULL REFERENCES blobs (sha256) ON DELETE CASCADE,
    seq      INTEGER NOT NULL,           -- 0, 1, ...: each chunk at most 256 KiB
    data     BYTEA NOT NULL,
    PRIMARY KEY (sha256, seq)
);
-- Chunks are already compressed MIME or not worth compressing twice; keep them out of line uncompressed.
ALTER TABLE blob_chunks ALTER COLUMN data SET STORAGE EXTERNAL;

CREATE TABLE local_folders (
    account  TEXT NOT NULL REFERENCES accounts (account) ON DELETE CASCADE,
    name     TEXT NOT NULL,
    PRIMARY KEY (account, name)
);

CREATE TABLE local_messages (
    account  TEXT NOT NULL,
    folder   TEXT NOT NULL,
    local_id TEXT NOT NULL,
    uid      BIGINT NOT NULL,            -- 0: a local message no server UID describes (yet)
    flags    TEXT NOT NULL,
    sha256   BYTEA NOT NULL REFERENCES blobs (sha256),
    PRIMARY KEY (account, folder, local_id),
    FOREIGN KEY (account, folder) REFERENCES local_folders (account, name) ON DELETE CASCADE
        DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX local_messages_by_uid ON local_messages (account, folder, uid);
CREATE INDEX local_messages_by_content ON local_messages (sha256);
