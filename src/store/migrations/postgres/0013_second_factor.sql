-- Agents' second factor: a TOTP secret (base32), when it was turned on (none while being set
-- up), the last step whose code was used (codes are never replayed), and single-use recovery
-- codes kept as SHA-256 hashes.
CREATE TABLE second_factors (
    agent_id        uuid PRIMARY KEY REFERENCES agents (id) ON DELETE CASCADE,
    organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    secret          TEXT NOT NULL,
    enabled_at      timestamptz,
    last_step       BIGINT NOT NULL,
    created_at      timestamptz NOT NULL
);
CREATE TABLE recovery_codes (
    agent_id        uuid NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    hash            TEXT NOT NULL,
    used_at         timestamptz,
    PRIMARY KEY (agent_id, hash)
);
