-- Files in conversations: the bytes are in the file store, what is known about them here.
-- A message carries its files' details (`attachments`, JSON) wherever it is kept.
ALTER TABLE messages ADD COLUMN attachments TEXT;
ALTER TABLE message_outbox ADD COLUMN attachments TEXT;

CREATE TABLE attachments (
    id              uuid PRIMARY KEY,
    organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    session_id      uuid NOT NULL,
    uploader_id     uuid NOT NULL,
    name            TEXT NOT NULL,
    content_type    TEXT NOT NULL,
    kind            TEXT NOT NULL,
    size            BIGINT NOT NULL,
    width           BIGINT,
    height          BIGINT,
    thumbnail_size  BIGINT NOT NULL,
    sha256          TEXT NOT NULL,
    sent            BOOLEAN NOT NULL,
    internal        BOOLEAN NOT NULL,
    created_at      timestamptz NOT NULL
);
CREATE INDEX attachments_session ON attachments (organization_id, session_id);
CREATE INDEX attachments_unsent ON attachments (created_at) WHERE NOT sent;
