// The signed-in agent, kept in localStorage so a reload stays signed in.

import { loadJson, save } from '../shared/storage';
import type { Agent } from '../shared/types';

const KEY = 'raasel.agent';

export interface AgentAccount {
  token: string;
  agent: Agent;
}

export function loadAgentAccount(): AgentAccount | null {
  return loadJson<AgentAccount>(KEY);
}

export function saveAgentAccount(account: AgentAccount | null): void {
  save(KEY, account ? JSON.stringify(account) : null);
}
