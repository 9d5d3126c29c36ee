// The conversation lists as shown: the queue, mine, my snoozed ones and all conversations, each
// narrowed and ordered by the agent's filter. The first three are complete in the workspace, so
// they are filtered here; the list of all conversations asks the server with the filter's query
// (so older conversations that match are found too) and then stays live like the rest: a
// conversation that an event changes joins or leaves it by the same rules.

import type { SocketPort } from '../shared/chat-client';
import { Observable } from '../shared/observable';
import type { ConsoleSession } from '../shared/types';
import { type ListFilter, type ListName, NO_FILTER, filtered, listQuery } from './list-filter';
import type { Workspace } from './workspace';

export class ListView extends Observable {
  filter: ListFilter = NO_FILTER;
  /** The query last asked of the server for the list of all conversations. */
  private fetched: string | null = null;

  constructor(
    private readonly workspace: Workspace,
    port: SocketPort,
  ) {
    super();
    // After a reconnect events may have been missed: ask again.
    port.on('connect', () => {
      if (this.fetched !== null) void this.fetchAll(true).catch(() => undefined);
    });
  }

  set(change: Partial<ListFilter>): void {
    this.filter = { ...this.filter, ...change };
    this.notify();
  }

  sessions(list: ListName): ConsoleSession[] {
    if (list === 'queue') return filtered(this.workspace.queue(), this.filter, list);
    if (list === 'mine') return filtered(this.workspace.mine(), this.filter, list);
    if (list === 'snoozed') return filtered(this.workspace.snoozed(), this.filter, list);
    // Supervisors and admins: every conversation of the organization the console has met
    // (of their teams only, when the organization limits supervisors to them).
    if (!this.workspace.canSeeAll) return [];
    const reached = [...this.workspace.sessions.values()].filter((s) => this.workspace.lists(s));
    return filtered(reached, this.filter, list);
  }

  /** Asks the server for the list of all conversations with the current filter, unless just asked. */
  async fetchAll(again = false): Promise<void> {
    if (!this.workspace.canSeeAll) return;
    const query = listQuery(this.filter);
    const key = JSON.stringify(query);
    if (!again && key === this.fetched) return;
    this.fetched = key;
    await this.workspace.listSessions(query);
  }
}
