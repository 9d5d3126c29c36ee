-- Availability: when each conversation was last taken by an agent, so the usual wait in line
-- (from the queue to an agent) can be told to customers waiting now.

ALTER TABLE sessions ADD COLUMN assigned_at TEXT;
CREATE INDEX sessions_org_assigned ON sessions (organization_id, assigned_at);
