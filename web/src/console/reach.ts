// Which conversations an agent's lists reach, by the server's rule (its `Reach`): admins, and
// supervisors unless the organization limits them, everything; otherwise their own
// conversations and their teams' (the waiting ones for plain agents, all of them for limited
// supervisors). The server's lists already follow it; the console applies it to what events
// bring, so another team's queue never shows. Pure.

import type { Agent, Session } from '../shared/types';

export interface Reach {
  agent: string;
  everything: boolean;
  /** The agent's teams; null until they are known (then nothing is held back). */
  teams: string[] | null;
  /** A team's conversations whatever their status, not only the waiting ones. */
  wholeTeams: boolean;
}

export function reachOf(me: Pick<Agent, 'id' | 'role'>, teams: string[] | null, supervisorsSeeAll: boolean): Reach {
  return {
    agent: me.id,
    everything: me.role === 'admin' || (me.role === 'supervisor' && supervisorsSeeAll),
    teams,
    wholeTeams: me.role !== 'agent',
  };
}

/** Whether the conversation is one of the agent's teams' (one of no team is everyone's). */
export function inTeams(reach: Reach, s: Pick<Session, 'team_id'>): boolean {
  return !s.team_id || reach.teams === null || reach.teams.includes(s.team_id);
}

/** Whether the conversation shows in the agent's lists. */
export function reaches(reach: Reach, s: Pick<Session, 'team_id' | 'agent_id' | 'status'>): boolean {
  if (reach.everything || s.agent_id === reach.agent) return true;
  return (reach.wholeTeams || s.status === 'waiting') && inTeams(reach, s);
}
