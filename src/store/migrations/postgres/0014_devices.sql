-- Agents' devices: one row per sign-in, which its token names. Ending a device deletes its
-- row; rows whose token expired are pruned.
CREATE TABLE devices (
    id              uuid PRIMARY KEY,
    organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    agent_id        uuid NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    token_version   BIGINT NOT NULL,
    name            TEXT NOT NULL,
    address         TEXT NOT NULL,
    started_at      timestamptz NOT NULL,
    last_used_at    timestamptz NOT NULL,
    expires_at      timestamptz NOT NULL
);
CREATE INDEX devices_by_agent ON devices (agent_id, last_used_at);
CREATE INDEX devices_by_expiry ON devices (expires_at);
