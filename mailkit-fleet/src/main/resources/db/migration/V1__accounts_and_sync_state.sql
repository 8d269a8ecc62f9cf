-- Accounts leased to workers, and the sync state of every account (each table keyed by account first).

-- Fencing tokens come from one sequence: every lease of any account gets a larger token than every earlier one.
CREATE SEQUENCE fencing_tokens;

CREATE TABLE accounts (
    account        TEXT PRIMARY KEY,
    fencing_token  BIGINT NOT NULL DEFAULT 0,   -- the token of the current or last lease; 0 = never leased
    holder         TEXT,                        -- the worker holding the lease, or NULL
    lease_expires  TIMESTAMPTZ,                 -- by the database's clock; NULL = not leased
    next_due       TIMESTAMPTZ NOT NULL DEFAULT now(),
    failures       INTEGER NOT NULL DEFAULT 0,  -- consecutive failed syncs (for backoff)
    last_error     TEXT
);
CREATE INDEX accounts_due ON accounts (next_due);

CREATE TABLE folders (
    account        TEXT NOT NULL REFERENCES accounts (account) ON DELETE CASCADE,
    name           TEXT NOT NULL,
    separator      INTEGER NOT NULL,
    uidvalidity    BIGINT NOT NULL,
    uidnext        BIGINT NOT NULL,
    highestmodseq  BIGINT NOT NULL,
    special_use    TEXT NOT NULL,
    PRIMARY KEY (account, name)
);

CREATE TABLE messages (
    account        TEXT NOT NULL,
    folder         TEXT NOT NULL,
    uid            BIGINT NOT NULL,
    local_id       TEXT NOT NULL,
    flags          TEXT NOT NULL,
    message_id     TEXT NOT NULL,
    size           BIGINT NOT NULL,
    internal_date  BIGINT NOT NULL,           -- epoch milliseconds
    headers_only   BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (account, folder, uid),
    FOREIGN KEY (account, folder) REFERENCES folders (account, name) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX messages_by_message_id ON messages (account, message_id);

CREATE TABLE local_changes (
    account        TEXT NOT NULL,
    folder         TEXT NOT NULL,
    uid            BIGINT NOT NULL,
    flags          TEXT,
    kind           TEXT NOT NULL,
    target         TEXT,
    PRIMARY KEY (account, folder, uid),
    FOREIGN KEY (account, folder, uid) REFERENCES messages (account, folder, uid) ON DELETE CASCADE
        DEFERRABLE INITIALLY DEFERRED
);

CREATE TABLE flags_in_flight (
    account        TEXT NOT NULL,
    folder         TEXT NOT NULL,
    uid            BIGINT NOT NULL,
    sent           TEXT NOT NULL,
    base           TEXT NOT NULL,
    local          TEXT NOT NULL,
    PRIMARY KEY (account, folder, uid),
    FOREIGN KEY (account, folder, uid) REFERENCES messages (account, folder, uid) ON DELETE CASCADE
        DEFERRABLE INITIALLY DEFERRED
);

CREATE TABLE uploads (
    account        TEXT NOT NULL,
    folder         TEXT NOT NULL,
    local_id       TEXT NOT NULL,
    flags          TEXT,
    PRIMARY KEY (account, folder, local_id),
    FOREIGN KEY (account, folder) REFERENCES folders (account, name) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED
);

CREATE TABLE folder_actions (
    id             BIGSERIAL PRIMARY KEY,
    account        TEXT NOT NULL REFERENCES accounts (account) ON DELETE CASCADE,
    kind           TEXT NOT NULL,
    name           TEXT NOT NULL,
    new_name       TEXT
);
CREATE INDEX folder_actions_by_account ON folder_actions (account, id);
