-- API tokens: kept as a SHA-256 hash of the token, never the token itself.
CREATE TABLE api_tokens (
    id              uuid PRIMARY KEY,
    organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name            TEXT NOT NULL,
    scopes          TEXT NOT NULL,
    hash            TEXT NOT NULL UNIQUE,
    created_by      uuid NOT NULL,
    created_at      timestamptz NOT NULL,
    last_used_at    timestamptz,
    revoked_at      timestamptz
);
CREATE INDEX api_tokens_org ON api_tokens (organization_id);
