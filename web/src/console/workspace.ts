// What the console knows of its organization, kept live from socket events: the agent, the
// organization, the team with who is online, and the conversations (the queue, mine, and for
// supervisors and admins all of them), with the last message and what is unseen per conversation.

import { type Api, ApiError } from '../shared/api';
import type { ChatClient, SocketPort } from '../shared/chat-client';
import { Observable } from '../shared/observable';
import type { Agent, AgentRef, AgentStatus, ConsoleSession, Message, OrganizationDetail, Session, SessionStatus } from '../shared/types';
import type { Notifier } from './notifier';

export type StatusFilter = SessionStatus | '';

export class Workspace extends Observable {
  org: OrganizationDetail | null = null;
  agents: Agent[] = [];
  readonly sessions = new Map<string, ConsoleSession>();
  readonly lastMessages = new Map<string, Message>();
  readonly unseen = new Map<string, number>();
  allFilter: StatusFilter = '';
  allIds: string[] | null = null;
  loaded = false;
  private viewing: string | null = null;

  constructor(
    public me: Agent,
    private readonly api: Api,
    readonly chat: ChatClient,
    port: SocketPort,
    private readonly notifier: Notifier,
  ) {
    super();
    port.on('connect', () => void this.load().catch(() => undefined));
    port.on('new_session', (e: { session: Session }) => this.onNewSession(e.session));
    port.on('agent_assigned', (e: { session_id: string; agent: AgentRef }) =>
      this.patch(e.session_id, { agent_id: e.agent.id, assigned_agent: e.agent, status: 'active' }),
    );
    port.on('new_session_assigned', (e: { session_id: string; client_name: string }) => {
      void this.refresh(e.session_id);
      this.bumpUnseen(e.session_id);
      this.notifier.announce('Conversation assigned to you', e.client_name);
    });
    port.on('session_status_updated', (e: { session_id: string; status: SessionStatus }) =>
      this.patch(e.session_id, { status: e.status }),
    );
    port.on('agent_status_updated', (e: { agent_id: string; status: AgentStatus; online: boolean }) =>
      this.onAgentStatus(e.agent_id, e.status, e.online),
    );
    chat.onMessage((m) => this.onMessage(m));
  }

  get canSeeAll(): boolean {
    return this.me.role === 'supervisor' || this.me.role === 'admin';
  }

  get isAdmin(): boolean {
    return this.me.role === 'admin';
  }

  /** Loads (or reloads after a reconnect) everything the console shows. */
  async load(): Promise<void> {
    const orgId = this.me.organization_id;
    const [org, agents, waiting, mine] = await Promise.all([
      this.api.organization(orgId),
      this.api.agents(orgId),
      this.api.waitingSessions(orgId),
      this.api.agentSessions(this.me.id, 'active'),
    ]);
    this.org = org.organization;
    this.setAgents(agents.agents);
    for (const s of [...waiting.sessions, ...mine.sessions]) this.sessions.set(s.id, s);
    this.loaded = true;
    this.notify();
    if (this.allIds) await this.loadAll(this.allFilter);
  }

  async loadAll(filter: StatusFilter): Promise<void> {
    this.allFilter = filter;
    const { sessions } = await this.api.orgSessions(this.me.organization_id, filter || undefined);
    for (const s of sessions) this.sessions.set(s.id, s);
    this.allIds = sortByActivity(sessions).map((s) => s.id);
    this.notify();
  }

  /** Waiting conversations whose customer wrote, oldest first. */
  queue(): ConsoleSession[] {
    return [...this.sessions.values()]
      .filter((s) => s.status === 'waiting' && s.queued_at)
      .sort((a, b) => (a.queued_at ?? '').localeCompare(b.queued_at ?? ''));
  }

  mine(): ConsoleSession[] {
    return sortByActivity([...this.sessions.values()].filter((s) => s.status === 'active' && s.agent_id === this.me.id));
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

  agentName(id: string | null | undefined): string | null {
    return (id && this.agents.find((a) => a.id === id)?.name) || null;
  }

  /** The conversation on screen (null: none); its unseen count clears. */
  setViewing(sessionId: string | null): void {
    this.viewing = sessionId;
    if (sessionId && this.unseen.delete(sessionId)) this.afterUnseenChange();
  }

  totalUnseen(): number {
    let n = 0;
    for (const c of this.unseen.values()) n += c;
    return n;
  }

  /** Fetches one conversation (opened by link, or named by an event). */
  async refresh(sessionId: string): Promise<ConsoleSession | null> {
    try {
      const { session } = await this.api.session(sessionId);
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

  async close(sessionId: string): Promise<void> {
    this.put((await this.api.close(sessionId)).session);
  }

  async setStatus(status: AgentStatus): Promise<void> {
    const { agent } = await this.api.setAgentStatus(this.me.id, status);
    this.me = agent;
    this.setAgents(this.agents.map((a) => (a.id === agent.id ? { ...a, status: agent.status } : a)));
    this.notify();
  }

  setAgents(agents: Agent[]): void {
    this.agents = [...agents].sort((a, b) => Number(b.online) - Number(a.online) || a.name.localeCompare(b.name));
    const me = agents.find((a) => a.id === this.me.id);
    if (me) this.me = me;
    this.notify();
  }

  setOrganization(org: OrganizationDetail): void {
    this.org = org;
    this.notify();
  }

  private put(session: Session): void {
    this.sessions.set(session.id, session);
    this.notify();
  }

  private patch(sessionId: string, patch: Partial<ConsoleSession>): void {
    const session = this.sessions.get(sessionId);
    if (!session) {
      void this.refresh(sessionId).catch(() => undefined);
      return;
    }
    this.sessions.set(sessionId, { ...session, ...patch });
    if (!this.isMineOrWaiting(this.sessions.get(sessionId)!) && this.unseen.delete(sessionId)) this.afterUnseenChange();
    this.notify();
  }

  private onNewSession(session: Session): void {
    this.sessions.set(session.id, session);
    this.bumpUnseen(session.id);
    this.notifier.announce('New conversation', session.client_name);
    this.notify();
  }

  private onMessage(m: Message): void {
    const known = this.lastMessages.get(m.session_id);
    if (!known || known.seq < m.seq) this.lastMessages.set(m.session_id, m);
    const session = this.sessions.get(m.session_id);
    if (!session) {
      void this.refresh(m.session_id).catch(() => undefined);
      return;
    }
    if (m.seq <= session.last_seq) return;
    this.sessions.set(m.session_id, { ...session, last_seq: m.seq, last_message_at: m.created_at });
    if (m.sender_type === 'client' && this.isMineOrWaiting(session)) {
      this.bumpUnseen(m.session_id);
      this.notifier.announce(`Message from ${m.sender_name}`, m.content.slice(0, 120));
    }
    this.notify();
  }

  private onAgentStatus(agentId: string, status: AgentStatus, online: boolean): void {
    if (!this.agents.some((a) => a.id === agentId)) {
      void this.api.agents(this.me.organization_id).then(({ agents }) => this.setAgents(agents), () => undefined);
      return;
    }
    this.setAgents(this.agents.map((a) => (a.id === agentId ? { ...a, status, online } : a)));
  }

  private isMineOrWaiting(s: ConsoleSession): boolean {
    return s.status === 'waiting' || (s.status === 'active' && s.agent_id === this.me.id);
  }

  private bumpUnseen(sessionId: string): void {
    if (sessionId === this.viewing && document.visibilityState === 'visible') return;
    this.unseen.set(sessionId, (this.unseen.get(sessionId) ?? 0) + 1);
    this.afterUnseenChange();
  }

  private afterUnseenChange(): void {
    this.notifier.setCount(this.totalUnseen());
    this.notify();
  }
}

function sortByActivity<S extends Session>(sessions: S[]): S[] {
  const at = (s: Session) => s.last_message_at ?? s.created_at;
  return [...sessions].sort((a, b) => at(b).localeCompare(at(a)));
}
