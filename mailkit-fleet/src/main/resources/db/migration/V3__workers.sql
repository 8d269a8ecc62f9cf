-- Worker processes that watch accounts, each alive until its last heartbeat plus a lease duration; watching
-- workers share the accounts evenly among the live ones.
CREATE TABLE workers (
    worker       TEXT PRIMARY KEY,
    alive_until  TIMESTAMPTZ NOT NULL
);
