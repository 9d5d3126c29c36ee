-- Used when messages live in Apache Cassandra (--cassandra-contact-points): a message is
-- committed here first, with its seq and idempotency key, then written to Cassandra, then
-- removed from the outbox; whatever a crash leaves in the outbox is copied over on restart.

CREATE TABLE message_outbox (
    id              uuid PRIMARY KEY,
    organization_id uuid NOT NULL,
    session_id      uuid NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    seq             bigint NOT NULL,
    sender_type     text NOT NULL,
    sender_id       uuid,
    sender_name     text NOT NULL,
    content         text NOT NULL,
    client_msg_id   text,
    created_at      timestamptz NOT NULL,
    queued_at       timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX message_outbox_session_seq_key ON message_outbox (session_id, seq);
CREATE INDEX message_outbox_queued ON message_outbox (queued_at);

-- Idempotency keys of messages kept in Cassandra: a resend finds its seq here.
CREATE TABLE message_keys (
    session_id    uuid NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    sender_id     uuid NOT NULL,
    client_msg_id text NOT NULL,
    seq           bigint NOT NULL,
    PRIMARY KEY (session_id, sender_id, client_msg_id)
);
