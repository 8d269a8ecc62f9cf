-- Worker processes that watch accounts, each alive until its last heartbeat plus a lease duration; watching
-- workers share the accounts among the live ones, as evenly as their capacities allow.
CREATE TABLE workers (
    worker       TEXT PRIMARY KEY,
    capacity     INTEGER NOT NULL,           -- the most accounts it watches (SyncFleet.Builder.watch)
    alive_until  TIMESTAMPTZ NOT NULL
);

-- the leases each worker holds, counted by every heartbeat
CREATE INDEX accounts_holder ON accounts (holder);
