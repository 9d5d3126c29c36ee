-- A team may answer in hours of its own (JSON business hours); NULL: the organization's hours.
ALTER TABLE teams ADD COLUMN business_hours TEXT;
CREATE INDEX sessions_org_team_assigned ON sessions (organization_id, team_id, assigned_at);
