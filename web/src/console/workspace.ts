// What the console knows of its organization, kept live from socket events: the agent, the
// organization, the team with who is online, and the conversations (the queue, mine, and for
// supervisors and admins all of them), with the last message and what is unseen per conversation.
// My snoozed conversations are kept apart from my active ones until they come back. What events
// bring is held to what my lists reach (another team's queue is not mine: see reach.ts).
// Lists fetched over REST are merged with the events: an answer read before an event that
// arrived meanwhile does not undo it.

import { type Api, ApiError } from '../shared/api';
import type { ChatClient, SocketPort } from '../shared/chat-client';
import { Observable } from '../shared/observable';
import type { Agent, AgentRef, AgentStatus, ConsoleSession, Message, OrganizationDetail, Session, SessionStatus, Team, paths } from '../shared/types';
import { type AgentLiveStatus, withLiveStatus } from './live-status';
import type { Notifier } from './notifier';
import { type Reach, inTeams, reachOf, reaches } from './reach';
import { compareWaking } from './snooze-time';
import { TeamStore } from './teams-store';

export type StatusFilter = SessionStatus | '';
/** A conversation's snooze, ended. */
const AWAKE = { snoozed: false, snoozed_until: null } as const;
/** The query of GET /api/sessions/organization/{org}: filters and sort. */
export type OrgSessionQuery = NonNullable<paths['/api/sessions/organization/{organization_id}']['get']['parameters']['query']>;

export class Workspace extends Observable {
  org: OrganizationDetail | null = null;
  agents: Agent[] = [];
  readonly sessions = new Map<string, ConsoleSession>();
  readonly lastMessages = new Map<string, Message>();
  readonly unseen = new Map<string, number>();
  readonly teams: TeamStore;
  allFilter: StatusFilter = '';
  allIds: string[] | null = null;
  loaded = false;
  private viewing: string | null = null;
  /** Counts live changes; a REST request remembers its value when sent. */
  private clock = 0;
  /** Each agent's status and presence as the last event said, and when. */
  private readonly agentLive = new Map<string, AgentLiveStatus>();
  /** When the last applied agent list was asked for. */
  private agentsAskedAt = -1;
  /** When each conversation last changed by an event. */
  private readonly sessionChangedAt = new Map<string, number>();
  /** The delivered mark sent for conversations that are not open here. */
  private readonly deliveredSent = new Map<string, number>();

  constructor(
    public me: Agent,
    private readonly api: Api,
    readonly chat: ChatClient,
    private readonly port: SocketPort,
    private readonly notifier: Notifier,
  ) {
    super();
    this.teams = new TeamStore(api);
    // Who is in which team decides what the lists show.
    this.teams.subscribe(() => this.notify());
    port.on('connect', () => void this.load().catch(() => undefined));
    port.on('new_session', (e: { session: Session }) => this.onNewSession(e.session));
    // An assignment, a close and a return to the queue each end a snooze on the server.
    port.on('agent_assigned', (e: { session_id: string; agent: AgentRef }) =>
      this.patch(e.session_id, { agent_id: e.agent.id, assigned_agent: e.agent, status: 'active', ...AWAKE }),
    );
    port.on('new_session_assigned', (e: { session_id: string; client_name: string }) => {
      void this.refresh(e.session_id).then(() => this.acknowledge(e.session_id), () => undefined);
      this.bumpUnseen(e.session_id);
      this.notifier.announce('Conversation assigned to you', e.client_name);
    });
    port.on('session_status_updated', (e: { session_id: string; status: SessionStatus }) =>
      this.patch(e.session_id, { status: e.status, ...(e.status === 'active' ? {} : AWAKE) }),
    );
    port.on('agent_status_updated', (e: { agent_id: string; status: AgentStatus; online: boolean }) =>
      this.onAgentStatus(e.agent_id, e.status, e.online),
    );
    port.on('session_updated', (e: { session: Session }) => {
      this.applySessionUpdate(e.session);
      // A rating comes this way too, without itself: the conversation on screen is fetched again.
      if (e.session.status === 'closed' && e.session.id === this.viewing) void this.refresh(e.session.id).catch(() => undefined);
    });
    // Who is in which team changed: what my lists reach, and the queues I see, may have too.
    port.on('teams_updated', (e: { teams: Team[] }) => {
      this.teams.replace(e.teams);
      void this.load().catch(() => undefined);
    });
    chat.onMessage((m) => this.onMessage(m));
  }

  get canSeeAll(): boolean {
    return this.me.role === 'supervisor' || this.me.role === 'admin';
  }

  get isAdmin(): boolean {
    return this.me.role === 'admin';
  }

  /** What my lists reach, from my teams and the organization's setting for supervisors. */
  get reach(): Reach {
    const teams = this.teams.loaded ? this.teams.of(this.me.id) : null;
    return reachOf(this.me, teams, this.org?.settings?.supervisors_see_all ?? true);
  }

  /** The conversation shows in my lists. */
  lists(s: ConsoleSession): boolean {
    return reaches(this.reach, s);
  }

  /** The conversation belongs to one of my teams (or to no team). */
  inMyTeams(s: ConsoleSession): boolean {
    return inTeams(this.reach, s);
  }

  /** Loads (or reloads after a reconnect) everything the console shows. */
  async load(): Promise<void> {
    const orgId = this.me.organization_id;
    const askedAt = this.clock;
    const [org, agents, waiting, mine] = await Promise.all([
      this.api.organization(orgId),
      this.api.agents(orgId),
      this.api.waitingSessions(orgId),
      this.api.agentSessions(this.me.id, 'active'),
    ]);
    this.org = org.organization;
    // Teams were changed by an admin elsewhere, maybe: asked again, but the lists do not wait.
    void this.teams.load().catch(() => undefined);
    this.applyAgents(agents.agents, askedAt);
    this.applySessions([...waiting.sessions, ...mine.sessions], askedAt);
    this.loaded = true;
    this.notify();
    if (this.allIds) await this.loadAll(this.allFilter);
  }

  async loadAll(filter: StatusFilter): Promise<void> {
    this.allFilter = filter;
    const askedAt = this.clock;
    const { sessions } = await this.api.orgSessions(this.me.organization_id, filter || undefined);
    this.applySessions(sessions, askedAt);
    this.allIds = sortByActivity(sessions).map((s) => s.id);
    this.notify();
  }

  /**
   * Conversations of a filtered, sorted list query (the list of all conversations with the
   * agent's filter), merged like the console's own lists.
   */
  async listSessions(query: OrgSessionQuery): Promise<Session[]> {
    const askedAt = this.clock;
    const { sessions } = await this.api.call('get', '/api/sessions/organization/{organization_id}', {
      path: { organization_id: this.me.organization_id },
      query,
    });
    this.applySessions(sessions, askedAt);
    this.notify();
    return sessions;
  }

  /**
   * A conversation's labels, priority or customer changed (`session_updated`, or the answer to
   * my own change): it comes whole. Plain agents keep only what their lists show.
   */
  applySessionUpdate(session: Session): void {
    const known = this.sessions.get(session.id);
    if (!known && !this.lists(session)) return;
    this.put({ ...known, ...session });
  }

  /** Fetches the team again (after an admin changed it, or an event named an unknown agent). */
  async reloadAgents(): Promise<void> {
    // A new agent joined the default team; a deleted one left theirs.
    void this.teams.load().catch(() => undefined);
    const askedAt = this.clock;
    const { agents } = await this.api.agents(this.me.organization_id);
    this.applyAgents(agents, askedAt);
  }

  /** Waiting conversations whose customer wrote, of the queues I see, oldest first. */
  queue(): ConsoleSession[] {
    return [...this.sessions.values()]
      .filter((s) => s.status === 'waiting' && s.queued_at && this.lists(s))
      .sort((a, b) => (a.queued_at ?? '').localeCompare(b.queued_at ?? ''));
  }

  /** My active conversations, without the snoozed ones. */
  mine(): ConsoleSession[] {
    return sortByActivity([...this.sessions.values()].filter((s) => s.status === 'active' && s.agent_id === this.me.id && !s.snoozed));
  }

  /** My snoozed conversations, soonest back first (the Snoozed list). */
  snoozed(): ConsoleSession[] {
    return [...this.sessions.values()].filter((s) => s.status === 'active' && s.agent_id === this.me.id && s.snoozed).sort(compareWaking);
  }

  all(): ConsoleSession[] {
    const matches = (s: ConsoleSession) => !this.allFilter || s.status === this.allFilter;
    return (this.allIds ?? []).map((id) => this.sessions.get(id)).filter((s): s is ConsoleSession => !!s && matches(s));
  }

  /** The conversation is active and assigned to me. */
  isMine(sessionId: string): boolean {
    const s = this.sessions.get(sessionId);
    return !!s && s.status === 'active' && s.agent_id === this.me.id;
  }

  /** The newest message people wrote in the conversation that the console has seen, if any. */
  lastMessage(sessionId: string): Message | undefined {
    const live = this.lastMessages.get(sessionId);
    const loaded = this.chat.conversations
      .get(sessionId)
      ?.messages()
      .reverse()
      .find((m) => m.sender_type !== 'system');
    return loaded && (!live || live.seq < loaded.seq) ? loaded : live;
  }

  agentName(id: string | null | undefined): string | null {
    return (id && this.agents.find((a) => a.id === id)?.name) || null;
  }

  /** The conversation on screen (null: none); its unseen count clears. */
  setViewing(sessionId: string | null): void {
    this.viewing = sessionId;
    if (sessionId && this.unseen.delete(sessionId)) this.afterUnseenChange();
  }

  /** Conversations with something unseen, each counted once however many messages it has. */
  unseenConversations(): number {
    let n = 0;
    for (const c of this.unseen.values()) if (c > 0) n += 1;
    return n;
  }

  /** Fetches one conversation (opened by link, or named by an event). */
  async refresh(sessionId: string): Promise<ConsoleSession | null> {
    const askedAt = this.clock;
    try {
      const { session: fetched } = await this.api.session(sessionId);
      const known = this.sessions.get(sessionId);
      const changedSince = (this.sessionChangedAt.get(sessionId) ?? -1) > askedAt;
      // What events said meanwhile is newer than the answer; the answer adds the agent, the marks
      // and the rating.
      const session: ConsoleSession = known && changedSince ? { ...fetched, ...known, read_state: fetched.read_state, rating: fetched.rating } : fetched;
      this.sessions.set(session.id, session);
      this.notify();
      return session;
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) return null;
      throw e;
    }
  }

  async take(sessionId: string): Promise<void> {
    this.put((await this.api.assign(sessionId, this.me.id)).session);
  }

  async transfer(sessionId: string, agentId: string): Promise<void> {
    this.put((await this.api.assign(sessionId, agentId)).session);
  }

  /** Moves a conversation to another team's queue (it may leave my lists). */
  async moveToTeam(sessionId: string, teamId: string): Promise<void> {
    this.put((await this.api.call('put', '/api/sessions/{id}/team', { path: { id: sessionId }, body: { team_id: teamId } })).session);
  }

  async close(sessionId: string): Promise<void> {
    this.put((await this.api.close(sessionId)).session);
  }

  /** Opens a closed conversation again, assigned to me. */
  /** E-mails the conversation's transcript to its customer; where it went, partly hidden. */
  async sendTranscript(sessionId: string): Promise<string> {
    return (await this.api.call('post', '/api/sessions/{id}/transcript', { path: { id: sessionId } })).to;
  }

  async reopen(sessionId: string): Promise<void> {
    this.put((await this.api.call('put', '/api/sessions/{id}/reopen', { path: { id: sessionId } })).session);
  }

  /** Snoozes a conversation until `until` (an ISO time), or with null until the customer writes. */
  async snooze(sessionId: string, until: string | null): Promise<void> {
    const body = until ? { until } : {};
    this.put((await this.api.call('put', '/api/sessions/{id}/snooze', { path: { id: sessionId }, body })).session);
  }

  /** Ends a conversation's snooze now. */
  async wake(sessionId: string): Promise<void> {
    this.put((await this.api.call('delete', '/api/sessions/{id}/snooze', { path: { id: sessionId } })).session);
  }

  async setStatus(status: AgentStatus): Promise<void> {
    const { agent } = await this.api.setAgentStatus(this.me.id, status);
    this.me = agent;
    this.setAgents(this.agents.map((a) => (a.id === agent.id ? { ...a, status: agent.status } : a)));
  }

  private setAgents(agents: Agent[]): void {
    this.agents = [...agents].sort((a, b) => Number(b.online) - Number(a.online) || a.name.localeCompare(b.name));
    const me = agents.find((a) => a.id === this.me.id);
    if (me) this.me = me;
    this.notify();
  }

  /** A team list asked for at `askedAt`: events since then win over what it says. */
  private applyAgents(agents: Agent[], askedAt: number): void {
    // An answer to an earlier request that arrives after a later one's is older still.
    if (askedAt < this.agentsAskedAt) return;
    this.agentsAskedAt = askedAt;
    this.setAgents(withLiveStatus(agents, this.agentLive, askedAt));
  }

  /** Conversations listed at `askedAt`: one changed by an event since then keeps what we have. */
  private applySessions(sessions: Session[], askedAt: number): void {
    for (const s of sessions) {
      const changedSince = (this.sessionChangedAt.get(s.id) ?? -1) > askedAt;
      if (!(changedSince && this.sessions.has(s.id))) this.sessions.set(s.id, s);
    }
  }

  setOrganization(org: OrganizationDetail): void {
    this.org = org;
    this.notify();
  }

  private put(session: Session): void {
    this.sessions.set(session.id, session);
    this.sessionChangedAt.set(session.id, ++this.clock);
    this.notify();
  }

  private patch(sessionId: string, patch: Partial<ConsoleSession>): void {
    const session = this.sessions.get(sessionId);
    this.sessionChangedAt.set(sessionId, ++this.clock);
    if (!session) {
      void this.refresh(sessionId).then(() => this.acknowledge(sessionId), () => undefined);
      return;
    }
    this.sessions.set(sessionId, { ...session, ...patch });
    if (!this.isMineOrQueued(this.sessions.get(sessionId)!) && this.unseen.delete(sessionId)) this.afterUnseenChange();
    this.acknowledge(sessionId);
    this.notify();
  }

  private onNewSession(session: Session): void {
    // Every agent of the organization is told; another team's queue is not mine.
    if (!this.lists(session)) return;
    this.sessions.set(session.id, session);
    this.sessionChangedAt.set(session.id, ++this.clock);
    this.bumpUnseen(session.id);
    this.notifier.announce('New conversation', session.client_name);
    this.acknowledge(session.id);
    this.notify();
  }

  private onMessage(m: Message): void {
    // Lists preview what people wrote; a system note (who joined, who closed) is not news.
    const known = this.lastMessages.get(m.session_id);
    if (m.sender_type !== 'system' && (!known || known.seq < m.seq)) this.lastMessages.set(m.session_id, m);
    const session = this.sessions.get(m.session_id);
    this.sessionChangedAt.set(m.session_id, ++this.clock);
    if (!session) {
      void this.refresh(m.session_id).then(() => this.acknowledge(m.session_id), () => undefined);
      return;
    }
    if (m.seq <= session.last_seq) return;
    // A customer's message ends a snooze on the server, which announces only the message.
    const woken = m.sender_type === 'client' ? AWAKE : {};
    this.sessions.set(m.session_id, { ...session, last_seq: m.seq, last_message_at: m.created_at, ...woken });
    if (m.sender_type === 'client' && this.isMineOrQueued(session)) {
      this.bumpUnseen(m.session_id);
      this.notifier.announce(`Message from ${m.sender_name}`, m.content.slice(0, 120));
    }
    this.acknowledge(m.session_id);
    this.notify();
  }

  private onAgentStatus(agentId: string, status: AgentStatus, online: boolean): void {
    this.agentLive.set(agentId, { status, online, at: ++this.clock });
    if (!this.agents.some((a) => a.id === agentId)) {
      // Someone the console has not listed yet (a new agent, or the first list is still on its way).
      void this.reloadAgents().catch(() => undefined);
      return;
    }
    this.setAgents(this.agents.map((a) => (a.id === agentId ? { ...a, status, online } : a)));
  }

  /**
   * Tells the customer that their messages reached the agents: a conversation in my lists (the
   * queue, mine) gets the agent side's delivered mark as its messages arrive, before anyone opens
   * it. An open conversation's marks are the chat client's.
   */
  private acknowledge(sessionId: string): void {
    const session = this.sessions.get(sessionId);
    if (!session || !this.port.connected || this.chat.conversations.has(sessionId) || !this.isMineOrQueued(session)) return;
    if (session.last_seq <= (this.deliveredSent.get(sessionId) ?? 0)) return;
    this.deliveredSent.set(sessionId, session.last_seq);
    this.port.emit('mark_delivered', { session_id: sessionId, seq: session.last_seq });
  }

  /** Mine, or waiting in one of my teams' queues. */
  private isMineOrQueued(s: ConsoleSession): boolean {
    return (s.status === 'waiting' && this.inMyTeams(s)) || (s.status === 'active' && s.agent_id === this.me.id);
  }

  private bumpUnseen(sessionId: string): void {
    if (sessionId === this.viewing && document.visibilityState === 'visible') return;
    this.unseen.set(sessionId, (this.unseen.get(sessionId) ?? 0) + 1);
    this.afterUnseenChange();
  }

  private afterUnseenChange(): void {
    this.notifier.setCount(this.unseenConversations());
    this.notify();
  }
}

function sortByActivity<S extends Session>(sessions: S[]): S[] {
  const at = (s: Session) => s.last_message_at ?? s.created_at;
  return [...sessions].sort((a, b) => at(b).localeCompare(at(a)));
}
