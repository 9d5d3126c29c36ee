// Merging the team list the API answered with the status events that arrived while it was on
// its way: the list was read before them, so for those agents the events are newer.

import type { Agent, AgentStatus } from '../shared/types';

/** An agent's status and presence as an `agent_status_updated` event said, at a moment `at`. */
export interface AgentLiveStatus {
  status: AgentStatus;
  online: boolean;
  at: number;
}

/** The list with the status of every agent whose event came after `askedAt` (when it was asked for). */
export function withLiveStatus(agents: readonly Agent[], live: ReadonlyMap<string, AgentLiveStatus>, askedAt: number): Agent[] {
  return agents.map((a) => {
    const event = live.get(a.id);
    return event && event.at > askedAt ? { ...a, status: event.status, online: event.online } : a;
  });
}
