-- Files in conversations: the bytes are in the file store, what is known about them here.
-- A message carries its files' details (`attachments`, JSON) wherever it is kept.
ALTER TABLE messages ADD COLUMN attachments TEXT;

CREATE TABLE attachments (
    id              BLOB PRIMARY KEY,
    organization_id BLOB NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    session_id      BLOB NOT NULL,
    uploader_id     BLOB NOT NULL,
    name            TEXT NOT NULL,
    content_type    TEXT NOT NULL,
    kind            TEXT NOT NULL,
    size            INTEGER NOT NULL,
    width           INTEGER,
    height          INTEGER,
    thumbnail_size  INTEGER NOT NULL,
    sha256          TEXT NOT NULL,
    sent            BOOLEAN NOT NULL,
    internal        BOOLEAN NOT NULL,
    created_at      TEXT NOT NULL
);
CREATE INDEX attachments_session ON attachments (organization_id, session_id);
CREATE INDEX attachments_unsent ON attachments (created_at) WHERE NOT sent;
