-- The PostgreSQL schema: the same tables as the embedded store, with native types.

CREATE TABLE organizations (
    id          uuid PRIMARY KEY,
    name        text NOT NULL,
    domain      text NOT NULL,
    settings    text NOT NULL,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL
);
CREATE UNIQUE INDEX organizations_domain_key ON organizations (domain);
CREATE INDEX organizations_name ON organizations (lower(name), id);

CREATE TABLE agents (
    id                      uuid PRIMARY KEY,
    organization_id         uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name                    text NOT NULL,
    email                   text NOT NULL,
    password_hash           text NOT NULL,
    role                    text NOT NULL,
    status                  text NOT NULL,
    max_concurrent_sessions bigint,
    last_assigned_at        timestamptz,
    token_version           bigint NOT NULL DEFAULT 0,
    created_at              timestamptz NOT NULL,
    updated_at              timestamptz NOT NULL
);
CREATE UNIQUE INDEX agents_org_email_key ON agents (organization_id, email);
CREATE INDEX agents_email ON agents (email);

-- Registered clients have no organization; widget visitors belong to one.
CREATE TABLE clients (
    id              uuid PRIMARY KEY,
    organization_id uuid REFERENCES organizations (id) ON DELETE CASCADE,
    username        text,
    email           text,
    name            text,
    password_hash   text,
    external_id     text,
    token_version   bigint NOT NULL DEFAULT 0,
    created_at      timestamptz NOT NULL
);
CREATE UNIQUE INDEX clients_username_key ON clients (lower(username)) WHERE organization_id IS NULL;
CREATE UNIQUE INDEX clients_email_key ON clients (email) WHERE organization_id IS NULL;
CREATE UNIQUE INDEX clients_org_external_id_key ON clients (organization_id, external_id)
    WHERE external_id IS NOT NULL;

CREATE TABLE sessions (
    id              uuid PRIMARY KEY,
    organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    client_id       uuid NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    client_name     text NOT NULL,
    client_email    text,
    agent_id        uuid REFERENCES agents (id) ON DELETE SET NULL,
    status          text NOT NULL,
    subject         text,
    last_seq        bigint NOT NULL DEFAULT 0,
    last_message_at timestamptz,
    queued_at       timestamptz,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    closed_at       timestamptz
);
CREATE INDEX sessions_org_status ON sessions (organization_id, status, created_at);
CREATE INDEX sessions_agent_status ON sessions (agent_id, status);
CREATE INDEX sessions_client ON sessions (client_id, created_at);

-- The logical key is ((organization_id, session_id), seq).
CREATE TABLE messages (
    id              uuid PRIMARY KEY,
    organization_id uuid NOT NULL,
    session_id      uuid NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    seq             bigint NOT NULL,
    sender_type     text NOT NULL,
    sender_id       uuid,
    sender_name     text NOT NULL,
    content         text NOT NULL,
    client_msg_id   text,
    created_at      timestamptz NOT NULL
);
CREATE UNIQUE INDEX messages_session_seq_key ON messages (session_id, seq);
CREATE UNIQUE INDEX messages_client_msg_id_key ON messages (session_id, sender_id, client_msg_id)
    WHERE client_msg_id IS NOT NULL;
CREATE INDEX messages_organization ON messages (organization_id);

CREATE TABLE read_states (
    session_id    uuid NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    side          text NOT NULL,
    delivered_seq bigint NOT NULL DEFAULT 0,
    read_seq      bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (session_id, side)
);

-- One row rewritten by readiness checks: proof that the store accepts writes.
CREATE TABLE store_probe (
    id         integer PRIMARY KEY,
    checked_at timestamptz NOT NULL
);

-- Values every node of the installation shares (the generated token secret).
CREATE TABLE installation (
    key   text PRIMARY KEY,
    value text NOT NULL
);
