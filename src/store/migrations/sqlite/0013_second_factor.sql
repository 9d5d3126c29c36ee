-- Agents' second factor: a TOTP secret (base32), when it was turned on (none while being set
-- up), the last step whose code was used (codes are never replayed), and single-use recovery
-- codes kept as SHA-256 hashes.
CREATE TABLE second_factors (
    agent_id        BLOB PRIMARY KEY REFERENCES agents (id) ON DELETE CASCADE,
    organization_id BLOB NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    secret          TEXT NOT NULL,
    enabled_at      TEXT,
    last_step       INTEGER NOT NULL,
    created_at      TEXT NOT NULL
);
CREATE TABLE recovery_codes (
    agent_id        BLOB NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    hash            TEXT NOT NULL,
    used_at         TEXT,
    PRIMARY KEY (agent_id, hash)
);
