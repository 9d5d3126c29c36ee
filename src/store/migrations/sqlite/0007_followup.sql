-- After the conversation: customers' ratings (one per conversation), customers who turned an
-- organization's e-mails off, and the outbox of e-mails to customers (a row per e-mail, sent
-- by one server, never twice).

CREATE TABLE ratings (
    session_id      BLOB PRIMARY KEY REFERENCES sessions (id) ON DELETE CASCADE,
    organization_id BLOB NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    client_id       BLOB NOT NULL,
    score           INTEGER NOT NULL,
    comment         TEXT,
    rated_at        TEXT NOT NULL
);
CREATE INDEX ratings_client ON ratings (client_id);
CREATE INDEX ratings_org ON ratings (organization_id, rated_at);

CREATE TABLE email_opt_outs (
    organization_id BLOB NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    client_id       BLOB NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    opted_out_at    TEXT NOT NULL,
    PRIMARY KEY (organization_id, client_id)
);

CREATE TABLE email_outbox (
    id              BLOB PRIMARY KEY,
    organization_id BLOB NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    session_id      BLOB NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    client_id       BLOB NOT NULL,
    kind            TEXT NOT NULL,
    to_address      TEXT NOT NULL,
    state           TEXT NOT NULL DEFAULT 'pending',
    due_at          TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    lease_until     TEXT,
    last_error      TEXT,
    -- A replies e-mail that went out: the last message it carried.
    upto_seq        INTEGER,
    created_at      TEXT NOT NULL,
    sent_at         TEXT
);
CREATE UNIQUE INDEX email_outbox_one_pending ON email_outbox (session_id, kind) WHERE state = 'pending';
CREATE INDEX email_outbox_due ON email_outbox (state, due_at);
CREATE INDEX email_outbox_client ON email_outbox (client_id, created_at);
