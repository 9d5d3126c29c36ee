-- Ids are UUIDs stored as 16-byte blobs (v7: byte order is creation order).
-- Timestamps are RFC 3339 UTC text.

CREATE TABLE organizations (
    id          BLOB PRIMARY KEY,
    name        TEXT NOT NULL,
    domain      TEXT NOT NULL,
    settings    TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE UNIQUE INDEX organizations_domain_key ON organizations (domain);

CREATE TABLE agents (
    id                      BLOB PRIMARY KEY,
    organization_id         BLOB NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name                    TEXT NOT NULL,
    email                   TEXT NOT NULL,
    password_hash           TEXT NOT NULL,
    role                    TEXT NOT NULL,
    status                  TEXT NOT NULL,
    max_concurrent_sessions INTEGER,
    last_assigned_at        TEXT,
    token_version           INTEGER NOT NULL DEFAULT 0,
    created_at              TEXT NOT NULL,
    updated_at              TEXT NOT NULL
);
CREATE UNIQUE INDEX agents_org_email_key ON agents (organization_id, email);
CREATE INDEX agents_email ON agents (email);

-- Registered clients have no organization; widget visitors belong to one.
CREATE TABLE clients (
    id              BLOB PRIMARY KEY,
    organization_id BLOB REFERENCES organizations (id) ON DELETE CASCADE,
    username        TEXT,
    email           TEXT,
    name            TEXT,
    password_hash   TEXT,
    external_id     TEXT,
    token_version   INTEGER NOT NULL DEFAULT 0,
    created_at      TEXT NOT NULL
);
CREATE UNIQUE INDEX clients_username_key ON clients (lower(username)) WHERE organization_id IS NULL;
CREATE UNIQUE INDEX clients_email_key ON clients (email) WHERE organization_id IS NULL;
CREATE UNIQUE INDEX clients_org_external_id_key ON clients (organization_id, external_id)
    WHERE external_id IS NOT NULL;

CREATE TABLE sessions (
    id              BLOB PRIMARY KEY,
    organization_id BLOB NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    client_id       BLOB NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    client_name     TEXT NOT NULL,
    client_email    TEXT,
    agent_id        BLOB REFERENCES agents (id) ON DELETE SET NULL,
    status          TEXT NOT NULL,
    subject         TEXT,
    last_seq        INTEGER NOT NULL DEFAULT 0,
    last_message_at TEXT,
    queued_at       TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    closed_at       TEXT
);
CREATE INDEX sessions_org_status ON sessions (organization_id, status, created_at);
CREATE INDEX sessions_agent_status ON sessions (agent_id, status);
CREATE INDEX sessions_client ON sessions (client_id, created_at);

-- The logical key is ((organization_id, session_id), seq).
CREATE TABLE messages (
    id              BLOB PRIMARY KEY,
    organization_id BLOB NOT NULL,
    session_id      BLOB NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    seq             INTEGER NOT NULL,
    sender_type     TEXT NOT NULL,
    sender_id       BLOB,
    sender_name     TEXT NOT NULL,
    content         TEXT NOT NULL,
    client_msg_id   TEXT,
    created_at      TEXT NOT NULL
);
CREATE UNIQUE INDEX messages_session_seq_key ON messages (session_id, seq);
CREATE UNIQUE INDEX messages_client_msg_id_key ON messages (session_id, sender_id, client_msg_id)
    WHERE client_msg_id IS NOT NULL;

CREATE TABLE read_states (
    session_id    BLOB NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    side          TEXT NOT NULL,
    delivered_seq INTEGER NOT NULL DEFAULT 0,
    read_seq      INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (session_id, side)
);
