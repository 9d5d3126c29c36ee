-- The agent's workspace: private notes, labels and priority, canned replies, what the
-- organization keeps of a customer, what the widget saw, mentions, and message search.

ALTER TABLE messages ADD COLUMN internal INTEGER NOT NULL DEFAULT 0;

ALTER TABLE sessions ADD COLUMN priority TEXT NOT NULL DEFAULT 'none';
-- Label ids joined by commas; ids of deleted labels are dropped when read.
ALTER TABLE sessions ADD COLUMN labels TEXT NOT NULL DEFAULT '';
-- What the widget reported at the start (JSON), for the customer panel.
ALTER TABLE sessions ADD COLUMN context TEXT;
-- The last message a person wrote that the customer sees too (JSON), for lists.
ALTER TABLE sessions ADD COLUMN preview TEXT;
CREATE INDEX sessions_org_client ON sessions (organization_id, client_id, created_at);

CREATE TABLE labels (
    id              BLOB PRIMARY KEY,
    organization_id BLOB NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name            TEXT NOT NULL,
    color           TEXT NOT NULL,
    created_at      TEXT NOT NULL
);
CREATE UNIQUE INDEX labels_org_name_key ON labels (organization_id, lower(name));

CREATE TABLE canned_replies (
    id              BLOB PRIMARY KEY,
    organization_id BLOB NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    owner_id        BLOB REFERENCES agents (id) ON DELETE CASCADE,
    shortcut        TEXT NOT NULL,
    content         TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX canned_replies_org ON canned_replies (organization_id, shortcut);

CREATE TABLE contacts (
    organization_id BLOB NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    client_id       BLOB NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    name            TEXT,
    email           TEXT,
    attributes      TEXT NOT NULL DEFAULT '{}',
    updated_at      TEXT NOT NULL,
    PRIMARY KEY (organization_id, client_id)
);

CREATE TABLE mentions (
    id              BLOB PRIMARY KEY,
    organization_id BLOB NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    agent_id        BLOB NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    session_id      BLOB NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    seq             INTEGER NOT NULL,
    author_name     TEXT NOT NULL,
    excerpt         TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    read_at         TEXT
);
CREATE INDEX mentions_agent ON mentions (agent_id, created_at);

-- Full-text index of message text, kept by the statement that writes the message.
CREATE VIRTUAL TABLE messages_fts USING fts5(
    content, content = 'messages', content_rowid = 'rowid', tokenize = 'unicode61'
);
INSERT INTO messages_fts (rowid, content) SELECT rowid, content FROM messages;
CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
    INSERT INTO messages_fts (rowid, content) VALUES (new.rowid, new.content);
END;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, content) VALUES ('delete', old.rowid, old.content);
END;
