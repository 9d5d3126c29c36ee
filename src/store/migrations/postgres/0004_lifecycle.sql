-- Availability and lifecycle: when each conversation was last taken by an agent (so the usual
-- wait in line can be told to customers waiting now), whether it is snoozed and until when,
-- since when the customer has waited for an agent's answer (answer deadlines), and when the
-- first answer came (reports).

ALTER TABLE sessions ADD COLUMN assigned_at timestamptz;
CREATE INDEX sessions_org_assigned ON sessions (organization_id, assigned_at);
ALTER TABLE sessions ADD COLUMN snoozed boolean NOT NULL DEFAULT false;
ALTER TABLE sessions ADD COLUMN snoozed_until timestamptz;
ALTER TABLE sessions ADD COLUMN awaiting_since timestamptz;
ALTER TABLE sessions ADD COLUMN first_response_at timestamptz;
CREATE INDEX sessions_snoozed ON sessions (snoozed_until) WHERE snoozed;
