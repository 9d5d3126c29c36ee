-- Reports read an organization's conversations by when they started.
CREATE INDEX sessions_org_created ON sessions (organization_id, created_at);
