-- Webhooks: the organizations' endpoints and the deliveries to them (a row per event and
-- endpoint, retried until delivered or a day old; at least once, de-duplicated by event id).

CREATE TABLE webhooks (
    id              uuid PRIMARY KEY,
    organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    url             TEXT NOT NULL,
    -- The events asked for, as ",a,b," (so that one is found with LIKE '%,a,%').
    events          TEXT NOT NULL,
    secret          TEXT NOT NULL,
    paused          BOOLEAN NOT NULL DEFAULT FALSE,
    failures        BIGINT NOT NULL DEFAULT 0,
    created_at      timestamptz NOT NULL
);
CREATE INDEX webhooks_org ON webhooks (organization_id);

CREATE TABLE webhook_deliveries (
    id              uuid PRIMARY KEY,
    event_id        uuid NOT NULL,
    endpoint_id     uuid NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    event           TEXT NOT NULL,
    body            TEXT NOT NULL,
    state           TEXT NOT NULL DEFAULT 'pending',
    attempts        BIGINT NOT NULL DEFAULT 0,
    due_at          timestamptz NOT NULL,
    lease_until     timestamptz,
    last_status     BIGINT,
    last_error      TEXT,
    created_at      timestamptz NOT NULL,
    delivered_at    timestamptz
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (state, due_at);
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, created_at);
