-- The agent's workspace: private notes, labels and priority, canned replies, what the
-- organization keeps of a customer, what the widget saw, mentions, and message search.

ALTER TABLE messages ADD COLUMN internal boolean NOT NULL DEFAULT false;
ALTER TABLE message_outbox ADD COLUMN internal boolean NOT NULL DEFAULT false;

ALTER TABLE sessions ADD COLUMN priority text NOT NULL DEFAULT 'none';
-- Label ids joined by commas; ids of deleted labels are dropped when read.
ALTER TABLE sessions ADD COLUMN labels text NOT NULL DEFAULT '';
-- What the widget reported at the start (JSON), for the customer panel.
ALTER TABLE sessions ADD COLUMN context text;
-- The last message a person wrote that the customer sees too (JSON), for lists.
ALTER TABLE sessions ADD COLUMN preview text;
CREATE INDEX sessions_org_client ON sessions (organization_id, client_id, created_at);

CREATE TABLE labels (
    id              uuid PRIMARY KEY,
    organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name            text NOT NULL,
    color           text NOT NULL,
    created_at      timestamptz NOT NULL
);
CREATE UNIQUE INDEX labels_org_name_key ON labels (organization_id, lower(name));

CREATE TABLE canned_replies (
    id              uuid PRIMARY KEY,
    organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    owner_id        uuid REFERENCES agents (id) ON DELETE CASCADE,
    shortcut        text NOT NULL,
    content         text NOT NULL,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL
);
CREATE INDEX canned_replies_org ON canned_replies (organization_id, shortcut);

CREATE TABLE contacts (
    organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    client_id       uuid NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    name            text,
    email           text,
    attributes      text NOT NULL DEFAULT '{}',
    updated_at      timestamptz NOT NULL,
    PRIMARY KEY (organization_id, client_id)
);

CREATE TABLE mentions (
    id              uuid PRIMARY KEY,
    organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    agent_id        uuid NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    session_id      uuid NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    seq             bigint NOT NULL,
    author_name     text NOT NULL,
    excerpt         text NOT NULL,
    created_at      timestamptz NOT NULL,
    read_at         timestamptz
);
CREATE INDEX mentions_agent ON mentions (agent_id, created_at);

-- Full-text index of message text. Written by the statement that makes a message durable here:
-- the insert into `messages`, or into `message_outbox` when messages live in Cassandra (the
-- index stays here, and outlives the outbox row).
CREATE TABLE message_search (
    organization_id uuid NOT NULL,
    session_id      uuid NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    seq             bigint NOT NULL,
    created_at      timestamptz NOT NULL,
    document        tsvector NOT NULL,
    PRIMARY KEY (session_id, seq)
);
CREATE INDEX message_search_document ON message_search USING gin (document);
-- Newest first within an organization: for a common word the planner walks this and stops at
-- the first matches instead of sorting every match the GIN index finds.
CREATE INDEX message_search_recent ON message_search (organization_id, created_at DESC);

CREATE FUNCTION message_search_index() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO message_search (organization_id, session_id, seq, created_at, document)
    VALUES (NEW.organization_id, NEW.session_id, NEW.seq, NEW.created_at,
            to_tsvector('simple', NEW.content))
    ON CONFLICT (session_id, seq) DO NOTHING;
    RETURN NULL;
END $$;
CREATE TRIGGER messages_search AFTER INSERT ON messages
    FOR EACH ROW EXECUTE FUNCTION message_search_index();
CREATE TRIGGER message_outbox_search AFTER INSERT ON message_outbox
    FOR EACH ROW EXECUTE FUNCTION message_search_index();
INSERT INTO message_search (organization_id, session_id, seq, created_at, document)
    SELECT organization_id, session_id, seq, created_at, to_tsvector('simple', content)
    FROM messages;
