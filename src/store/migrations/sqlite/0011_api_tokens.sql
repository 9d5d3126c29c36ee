-- API tokens: kept as a SHA-256 hash of the token, never the token itself.
CREATE TABLE api_tokens (
    id              BLOB PRIMARY KEY,
    organization_id BLOB NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name            TEXT NOT NULL,
    scopes          TEXT NOT NULL,
    hash            TEXT NOT NULL UNIQUE,
    created_by      BLOB NOT NULL,
    created_at      TEXT NOT NULL,
    last_used_at    TEXT,
    revoked_at      TEXT
);
CREATE INDEX api_tokens_org ON api_tokens (organization_id);
