-- Teams: every organization gets its default team ("Everyone") with all its agents, and every
-- conversation belongs to it, so nothing anyone sees changes until an admin makes teams.

CREATE TABLE teams (
    id              BLOB PRIMARY KEY,
    organization_id BLOB NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name            TEXT NOT NULL,
    is_default      INTEGER NOT NULL DEFAULT 0,
    created_at      TEXT NOT NULL
);
CREATE UNIQUE INDEX teams_org_name_key ON teams (organization_id, lower(name));
CREATE UNIQUE INDEX teams_org_default_key ON teams (organization_id) WHERE is_default;

CREATE TABLE team_members (
    team_id         BLOB NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    agent_id        BLOB NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    organization_id BLOB NOT NULL,
    PRIMARY KEY (team_id, agent_id)
);
CREATE INDEX team_members_agent ON team_members (agent_id);

ALTER TABLE sessions ADD COLUMN team_id BLOB REFERENCES teams (id) ON DELETE SET NULL;
CREATE INDEX sessions_org_team_status ON sessions (organization_id, team_id, status);

INSERT INTO teams (id, organization_id, name, is_default, created_at)
    SELECT randomblob(16), id, 'Everyone', 1, created_at FROM organizations;
INSERT INTO team_members (team_id, agent_id, organization_id)
    SELECT t.id, a.id, a.organization_id FROM agents a
    JOIN teams t ON t.organization_id = a.organization_id AND t.is_default;
UPDATE sessions SET team_id = (SELECT t.id FROM teams t
    WHERE t.organization_id = sessions.organization_id AND t.is_default);
