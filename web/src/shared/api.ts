// The REST client: JSON over fetch with the bearer token, errors turned into ApiError with the
// server's stable code.

import type {
  Agent,
  AgentStatus,
  Client,
  ClientSession,
  HistoryPage,
  Message,
  OrganizationDetail,
  PublicOrganization,
  Session,
} from './types';

/** An error answered by the API (`{error, message, fields?}`), or a network failure (`network`). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

export class Api {
  /** `base` is the server's origin ('' for the page's own). */
  constructor(
    private readonly base: string,
    public token: string | null = null,
  ) {}

  async request<T>(method: Method, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(this.base + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch {
      throw new ApiError(0, 'network', 'The server cannot be reached. Check your connection.');
    }
    const text = await res.text();
    const parsed = text ? safeJson(text) : null;
    if (!res.ok) {
      const err = (parsed ?? {}) as { error?: string; message?: string; fields?: Record<string, string> };
      throw new ApiError(res.status, err.error ?? 'internal', err.message ?? res.statusText, err.fields);
    }
    return parsed as T;
  }

  // Customers and visitors
  registerClient(body: { username: string; email: string; password: string }) {
    return this.request<{ token: string; client: Client }>('POST', '/api/clients/register', body);
  }
  loginClient(body: { email: string; password: string }) {
    return this.request<{ token: string; client: Client }>('POST', '/api/clients/login', body);
  }
  me() {
    return this.request<{ client: Client }>('GET', '/api/clients/me');
  }
  createVisitor(body: { domain: string; name?: string; email?: string; external_id?: string; identity_hash?: string }) {
    return this.request<{ token: string; client: Client }>('POST', '/api/widget/visitors', body);
  }

  // Organizations
  discover(domain: string) {
    return this.request<{ organization: PublicOrganization }>(
      'GET',
      `/api/organizations/discover/${encodeURIComponent(domain)}`,
    );
  }
  directory(q: string, limit = 20) {
    const query = new URLSearchParams({ q, limit: String(limit) });
    return this.request<{ organizations: PublicOrganization[] }>('GET', `/api/organizations/directory?${query}`);
  }
  organization(id: string) {
    return this.request<{ organization: OrganizationDetail }>('GET', `/api/organizations/${id}`);
  }
  updateOrganization(id: string, body: { name?: string; domain?: string; settings?: Record<string, unknown> }) {
    return this.request<{ organization: OrganizationDetail }>('PUT', `/api/organizations/${id}`, body);
  }

  // Sessions
  clientSessions() {
    return this.request<{ sessions: ClientSession[] }>('GET', '/api/sessions');
  }
  openSession(organizationId: string, subject?: string) {
    return this.request<{ session: Session }>('POST', '/api/sessions', { organization_id: organizationId, subject });
  }
  session(id: string) {
    return this.request<{ session: Session }>('GET', `/api/sessions/${id}`);
  }
  messages(id: string, page: { limit?: number; before?: number; after?: number } = {}) {
    const query = new URLSearchParams();
    for (const [k, v] of Object.entries(page)) if (v !== undefined) query.set(k, String(v));
    return this.request<HistoryPage>('GET', `/api/sessions/${id}/messages?${query}`);
  }
  sendMessage(id: string, content: string, clientMsgId?: string) {
    return this.request<{ message: Message }>('POST', `/api/sessions/${id}/messages`, {
      content,
      client_msg_id: clientMsgId,
    });
  }
  orgSessions(orgId: string, status?: string) {
    const query = status ? `?status=${encodeURIComponent(status)}` : '';
    return this.request<{ sessions: Session[] }>('GET', `/api/sessions/organization/${orgId}${query}`);
  }
  waitingSessions(orgId: string) {
    return this.request<{ sessions: Session[] }>('GET', `/api/sessions/organization/${orgId}/waiting`);
  }
  assign(sessionId: string, agentId: string) {
    return this.request<{ session: Session }>('PUT', `/api/sessions/${sessionId}/assign`, { agent_id: agentId });
  }
  close(sessionId: string) {
    return this.request<{ session: Session }>('PUT', `/api/sessions/${sessionId}/close`);
  }

  // Agents
  loginAgent(body: { email: string; password: string; domain?: string }) {
    return this.request<{ token: string; agent: Agent }>('POST', '/api/agents/login', body);
  }
  agent(id: string) {
    return this.request<{ agent: Agent }>('GET', `/api/agents/${id}`);
  }
  agents(orgId: string) {
    return this.request<{ agents: Agent[] }>('GET', `/api/agents/organization/${orgId}`);
  }
  agentSessions(agentId: string, status?: string) {
    const query = status ? `?status=${encodeURIComponent(status)}` : '';
    return this.request<{ sessions: Session[] }>('GET', `/api/agents/${agentId}/sessions${query}`);
  }
  createAgent(body: { name: string; email: string; password: string; role: string; max_concurrent_sessions?: number }) {
    return this.request<{ agent: Agent }>('POST', '/api/agents', body);
  }
  updateAgent(id: string, body: { name?: string; email?: string; role?: string; max_concurrent_sessions?: number | null }) {
    return this.request<{ agent: Agent }>('PUT', `/api/agents/${id}`, body);
  }
  setAgentStatus(id: string, status: AgentStatus) {
    return this.request<{ agent: Agent }>('PUT', `/api/agents/${id}/status`, { status });
  }
  deleteAgent(id: string) {
    return this.request<unknown>('DELETE', `/api/agents/${id}`);
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** A sentence for the user from any thrown value. */
export function errorText(e: unknown): string {
  if (e instanceof ApiError) {
    const fields = Object.entries(e.fields).map(([k, v]) => `${k.replace(/_/g, ' ')} ${v}`);
    return fields.length ? `${e.message}: ${fields.join(', ')}` : e.message;
  }
  return e instanceof Error ? e.message : String(e);
}
