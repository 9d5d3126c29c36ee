// A customer's (or widget visitor's) conversations: the list with last message and unread
// count, the queue position of waiting ones, the assigned agent, kept live from socket events
// and reloaded after every (re)connect. Shared by the customer app and the widget.

import type { Api } from './api';
import type { AttachmentRef } from './attachments';
import type { ChatClient, SocketPort } from './chat-client';
import { Observable } from './observable';
import type { AgentRef, ClientSession, Message, OpenSessionInput, PublicOrganization, ReadState, ReportedContext, Session, SessionStatus } from './types';

/** What a conversation's opening carries besides its first message, team and visit. */
export type StartExtra = Omit<OpenSessionInput, 'organization_id' | 'context' | 'team_id' | 'message' | 'subject'>;

const NO_MARKS: ReadState = { client: { delivered_seq: 0, read_seq: 0 }, agent: { delivered_seq: 0, read_seq: 0 } };

export class Inbox extends Observable {
  sessions: ClientSession[] = [];
  loaded = false;
  /** Queue position (1 = next) of waiting conversations, as last announced. */
  readonly positions = new Map<string, number>();
  private visibleId: string | null = null;
  private reloading: Promise<void> | null = null;
  /** A load was asked for while one was in flight: its answer may predate what we need. */
  private stale = false;

  constructor(
    readonly api: Api,
    readonly chat: ChatClient,
    port: SocketPort,
    /** What the browser reports when a conversation starts (the page, the browser). */
    private readonly describeVisit: () => ReportedContext | undefined = () => undefined,
  ) {
    super();
    port.on('connect', () => void this.load());
    port.on('queue_position', (e: { session_id: string; position: number }) => {
      this.positions.set(e.session_id, e.position);
      this.notify();
    });
    port.on('agent_assigned', (e: { session_id: string; agent: AgentRef }) => {
      this.positions.delete(e.session_id);
      this.update(e.session_id, { assigned_agent: e.agent, agent_id: e.agent.id, status: 'active' });
    });
    port.on('session_status_updated', (e: { session_id: string; status: SessionStatus }) => {
      if (e.status !== 'waiting') this.positions.delete(e.session_id);
      this.update(e.session_id, { status: e.status });
    });
    chat.onMessage((m) => this.onMessage(m));
  }

  /**
   * Reloads the list, one request at a time. A load asked for while one is in flight (say, a
   * reconnect while the page's first load is under way) runs again after it, because the
   * answer in flight may have been read before what the new load must see.
   */
  load(): Promise<void> {
    if (this.reloading) {
      this.stale = true;
      return this.reloading;
    }
    this.reloading = this.api
      .clientSessions()
      .then(({ sessions }) => {
        this.sessions = sortByActivity(sessions);
        if (this.visibleId) this.update(this.visibleId, { unread_count: 0 });
        this.loaded = true;
        this.notify();
      })
      .finally(() => {
        this.reloading = null;
        if (this.stale) {
          this.stale = false;
          void this.load();
        }
      });
    return this.reloading;
  }

  get(id: string | null): ClientSession | undefined {
    return id ? this.sessions.find((s) => s.id === id) : undefined;
  }

  /** The newest conversation with the organization that is not closed. */
  openWith(organizationId: string): ClientSession | undefined {
    return this.sessions.find((s) => s.organization_id === organizationId && s.status !== 'closed');
  }

  /**
   * Starts a conversation whose first message is `content`, with `teamId`'s agents (none: the
   * organization's default team) and what else the opening carries (the site's attributes of
   * its user, the pre-chat answers); resolves with its id.
   */
  async start(organization: PublicOrganization, content: string, teamId?: string, extra: StartExtra = {}, files: AttachmentRef[] = []): Promise<string> {
    const id = this.opened(organization, await this.openSession(organization, teamId, extra), extra);
    this.chat.send(id, content, files);
    return id;
  }

  /** Starts a conversation without a message yet (files go up into it first); resolves with its id. */
  async open(organization: PublicOrganization, teamId?: string, extra: StartExtra = {}): Promise<string> {
    return this.opened(organization, await this.openSession(organization, teamId, extra), extra);
  }

  private async openSession(organization: PublicOrganization, teamId: string | undefined, extra: StartExtra) {
    const { session } = await this.api.openSession(organization.id, { ...extra, context: this.describeVisit(), team_id: teamId });
    return session;
  }

  /** Lists a conversation just opened and follows it; returns its id. */
  private opened(organization: PublicOrganization, session: Session, extra: StartExtra): string {
    // An address given in the pre-chat form is one replies can go to.
    const email = session.client_email ?? (extra.prechat?.email || null);
    this.sessions = sortByActivity([
      // Just opened (POST /api/sessions answers a plain Session): nobody assigned, nothing marked.
      { ...session, client_email: email, organization, last_message: null, unread_count: 0, assigned_agent: null, read_state: NO_MARKS, rating: null },
      ...this.sessions.filter((s) => s.id !== session.id),
    ]);
    this.notify();
    // Not awaited: the first message shows and is sent at once, even while history is retried.
    void this.chat.open(session.id);
    return session.id;
  }

  /** The conversation on screen (null: none); its messages count as read. */
  setVisible(id: string | null): void {
    if (this.visibleId && this.visibleId !== id) this.chat.setVisible(this.visibleId, false);
    this.visibleId = id;
    if (!id) return;
    this.chat.setVisible(id, true);
    this.update(id, { unread_count: 0 });
  }

  /**
   * Leaves an address for replies to the conversation (and the organization's other ones);
   * resolves with the address as the server keeps it.
   */
  async leaveEmail(sessionId: string, email: string): Promise<string> {
    const { email: kept } = await this.api.call('put', '/api/sessions/{id}/email', { path: { id: sessionId }, body: { email } });
    const org = this.get(sessionId)?.organization_id;
    this.sessions = this.sessions.map((s) => (s.organization_id === org ? { ...s, client_email: kept } : s));
    this.notify();
    return kept;
  }

  /** Rates a closed conversation (once). */
  async rate(sessionId: string, score: number, comment: string | null): Promise<void> {
    const { rating } = await this.api.call('post', '/api/sessions/{id}/rating', { path: { id: sessionId }, body: { score, comment } });
    this.update(sessionId, { rating });
  }

  /** Asks for the conversation's transcript by e-mail; resolves with where it goes (partly hidden). */
  async sendTranscript(sessionId: string): Promise<string> {
    const { to } = await this.api.call('post', '/api/sessions/{id}/transcript', { path: { id: sessionId } });
    return to;
  }

  totalUnread(): number {
    return this.sessions.reduce((n, s) => n + s.unread_count, 0);
  }

  private onMessage(m: Message): void {
    const session = this.get(m.session_id);
    if (!session) {
      void this.load();
      return;
    }
    if (m.seq <= session.last_seq) return;
    const fromOtherSide = m.sender_type !== 'client';
    this.update(m.session_id, {
      // The list previews what people wrote; a system note (who joined, who closed) is not news.
      last_message: m.sender_type === 'system' ? session.last_message : m,
      last_seq: m.seq,
      last_message_at: m.created_at,
      unread_count: fromOtherSide && m.session_id !== this.visibleId ? session.unread_count + 1 : session.unread_count,
    });
    this.sessions = sortByActivity(this.sessions);
  }

  private update(id: string, patch: Partial<ClientSession>): void {
    let changed = false;
    this.sessions = this.sessions.map((s) => {
      if (s.id !== id) return s;
      changed = true;
      return { ...s, ...patch };
    });
    if (changed) this.notify();
  }
}

function sortByActivity(sessions: ClientSession[]): ClientSession[] {
  const at = (s: ClientSession) => s.last_message_at ?? s.created_at;
  return [...sessions].sort((a, b) => at(b).localeCompare(at(a)));
}
