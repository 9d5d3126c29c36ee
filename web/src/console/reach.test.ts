import { describe, expect, test } from 'vitest';
import { sessionFixture } from '../../test/fixtures';
import { inTeams, reachOf, reaches } from './reach';

const waiting = (team: string | null) => sessionFixture('w', { team_id: team, status: 'waiting' });
const active = (team: string | null, agent: string) => sessionFixture('a', { team_id: team, status: 'active', agent_id: agent });

describe('what an agent’s lists reach', () => {
  test('plain agents: their own, and the waiting ones of their teams', () => {
    const me = reachOf({ id: 'pat', role: 'agent' }, ['support'], true);
    expect(reaches(me, waiting('support'))).toBe(true);
    expect(reaches(me, waiting('sales'))).toBe(false);
    expect(reaches(me, waiting(null))).toBe(true);
    expect(reaches(me, active('sales', 'pat'))).toBe(true);
    expect(reaches(me, active('support', 'sally'))).toBe(false);
  });

  test('supervisors: everything, unless limited to their teams (any status) and their own', () => {
    expect(reaches(reachOf({ id: 'sue', role: 'supervisor' }, ['sales'], true), active('support', 'pat'))).toBe(true);
    const limited = reachOf({ id: 'sue', role: 'supervisor' }, ['sales'], false);
    expect(reaches(limited, active('support', 'pat'))).toBe(false);
    expect(reaches(limited, active('sales', 'sally'))).toBe(true);
    expect(reaches(limited, active('support', 'sue'))).toBe(true);
  });

  test('admins: everything; teams not known yet hold nothing back', () => {
    expect(reaches(reachOf({ id: 'ann', role: 'admin' }, [], false), active('sales', 'sally'))).toBe(true);
    const unknown = reachOf({ id: 'pat', role: 'agent' }, null, true);
    expect(inTeams(unknown, waiting('sales'))).toBe(true);
  });
});
