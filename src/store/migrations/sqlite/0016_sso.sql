-- Single sign-on: an organization's OpenID Connect provider, and the sign-ins on their way
-- through it (one row per `state`, deleted when the provider sends the agent back).
CREATE TABLE sso_providers (
    organization_id      BLOB PRIMARY KEY REFERENCES organizations (id) ON DELETE CASCADE,
    issuer               TEXT NOT NULL,
    client_id            TEXT NOT NULL,
    client_secret        TEXT NOT NULL,
    label                TEXT NOT NULL,
    allowed_domains      TEXT NOT NULL,
    create_agents        INTEGER NOT NULL,
    required             INTEGER NOT NULL,
    break_glass_agent_id BLOB REFERENCES agents (id) ON DELETE SET NULL,
    updated_at           TEXT NOT NULL
);
CREATE TABLE sso_logins (
    state_hash      TEXT PRIMARY KEY,
    organization_id BLOB NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    nonce           TEXT NOT NULL,
    verifier        TEXT NOT NULL,
    expires_at      TEXT NOT NULL
);
CREATE INDEX sso_logins_by_expiry ON sso_logins (expires_at);
