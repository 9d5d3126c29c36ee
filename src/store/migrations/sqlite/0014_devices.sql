-- Agents' devices: one row per sign-in, which its token names. Ending a device deletes its
-- row; rows whose token expired are pruned.
CREATE TABLE devices (
    id              BLOB PRIMARY KEY,
    organization_id BLOB NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    agent_id        BLOB NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    token_version   INTEGER NOT NULL,
    name            TEXT NOT NULL,
    address         TEXT NOT NULL,
    started_at      TEXT NOT NULL,
    last_used_at    TEXT NOT NULL,
    expires_at      TEXT NOT NULL
);
CREATE INDEX devices_by_agent ON devices (agent_id, last_used_at);
CREATE INDEX devices_by_expiry ON devices (expires_at);
