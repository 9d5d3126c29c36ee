-- The audit log: security and administrative actions, read by admins, kept a year.
CREATE TABLE audit_log (
    id              BLOB PRIMARY KEY,
    organization_id BLOB NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    at              TEXT NOT NULL,
    actor_kind      TEXT NOT NULL,
    actor_id        BLOB,
    actor_name      TEXT NOT NULL,
    action          TEXT NOT NULL,
    target          TEXT,
    details         TEXT NOT NULL,
    ip              TEXT
);
CREATE INDEX audit_log_org_at ON audit_log (organization_id, at);
CREATE INDEX audit_log_at ON audit_log (at);
