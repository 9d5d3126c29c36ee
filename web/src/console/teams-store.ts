// The organization's teams as the console knows them: fetched with the workspace (and again
// after every reconnect), replaced live when an admin changes them (`teams_updated`), and
// fetched again when a conversation names a team the console has not seen.

import type { Api } from '../shared/api';
import { Observable } from '../shared/observable';
import type { Team } from '../shared/types';
import type { BusinessHours } from './business-hours';

export interface TeamChange {
  name?: string;
  members?: string[];
  /** null: the organization's hours. */
  business_hours?: BusinessHours | null;
}

export class TeamStore extends Observable {
  teams: Team[] = [];
  loaded = false;
  private loading: Promise<void> | null = null;
  /** Unknown ids already asked about, so a deleted team does not trigger a reload per render. */
  private readonly askedAbout = new Set<string>();

  constructor(private readonly api: Api) {
    super();
  }

  load(): Promise<void> {
    this.loading ??= this.fetch().finally(() => (this.loading = null));
    return this.loading;
  }

  private async fetch(): Promise<void> {
    const { teams } = await this.api.call('get', '/api/teams');
    this.set(teams);
  }

  byId(id: string | null | undefined): Team | undefined {
    if (!id) return undefined;
    const team = this.teams.find((t) => t.id === id);
    if (!team && this.loaded && !this.askedAbout.has(id)) {
      this.askedAbout.add(id);
      void this.load().catch(() => undefined);
    }
    return team;
  }

  /** A conversation's team name, or null while the organization has only its default team. */
  nameOf(id: string | null | undefined): string | null {
    return this.several() ? (this.byId(id)?.name ?? null) : null;
  }

  /** Whether the organization has teams of its own besides the default one. */
  several(): boolean {
    return this.teams.length > 1;
  }

  /** The ids of the teams `agentId` is a member of. */
  of(agentId: string): string[] {
    return this.teams.filter((t) => t.members.includes(agentId)).map((t) => t.id);
  }

  async create(name: string, members: string[]): Promise<Team> {
    const { team } = await this.api.call('post', '/api/teams', { body: { name, members } });
    // The live `teams_updated` may have brought it already.
    this.set([...this.teams.filter((t) => t.id !== team.id), team]);
    return team;
  }

  /** The teams as the server announced them. */
  replace(teams: Team[]): void {
    this.set(teams);
  }

  async update(id: string, change: TeamChange): Promise<void> {
    const { team } = await this.api.call('put', '/api/teams/{id}', { path: { id }, body: change });
    this.set(this.teams.map((t) => (t.id === id ? team : t)));
  }

  async remove(id: string): Promise<void> {
    await this.api.call('delete', '/api/teams/{id}', { path: { id } });
    this.set(this.teams.filter((t) => t.id !== id));
  }

  /** The default team first, then by name (as the server lists them). */
  private set(teams: Team[]): void {
    this.teams = [...teams].sort((a, b) => Number(b.is_default) - Number(a.is_default) || a.name.localeCompare(b.name));
    this.loaded = true;
    this.notify();
  }
}
