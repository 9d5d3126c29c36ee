// The REST client: JSON over fetch with the bearer token, errors turned into ApiError with the
// server's stable code.

import type {
  AgentStatus,
  ClientLoginInput,
  CreateAgentInput,
  ErrorBody,
  LoginInput,
  OpenSessionInput,
  RegisterInput,
  SessionStatus,
  UpdateAgentInput,
  UpdateOrganizationInput,
  VisitorInput,
  paths,
} from './types';
import { t } from './i18n';

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

// Request and response types of `call`, read from the OpenAPI document's `paths` (generated).
type HttpMethod = 'get' | 'post' | 'put' | 'delete';
/** The paths that have an operation for `M`. */
type PathsWith<M extends HttpMethod> = {
  [P in keyof paths]: paths[P][M] extends { responses: unknown } ? P : never;
}[keyof paths];
type Operation<M extends HttpMethod, P extends keyof paths> = NonNullable<paths[P][M]>;
type Json<T> = T extends { content: { 'application/json': infer B } } ? B : null;
/** What a successful answer carries (null for 204 No Content; 202 Accepted says what will happen). */
export type Success<M extends HttpMethod, P extends PathsWith<M>> =
  Operation<M, P> extends { responses: infer R } ? Json<R[Extract<keyof R, 200 | 201 | 202 | 204>]> : never;
/** Path parameters, query and JSON body of an operation, each required when the document says so. */
export type CallOptions<O> = (O extends { parameters: { path: infer X } } ? { path: X } : { path?: undefined }) &
  (O extends { parameters: { query?: infer Q } } ? ([NonNullable<Q>] extends [never] ? { query?: undefined } : { query?: Q }) : unknown) &
  (O extends { requestBody: { content: { 'application/json': infer B } } }
    ? { body: B }
    : O extends { requestBody?: { content: { 'application/json': infer B } } }
      ? { body?: B }
      : { body?: undefined });
type CallArgs<O> = object extends CallOptions<O> ? [options?: CallOptions<O>] : [options: CallOptions<O>];

export class Api {
  /** Runs when the server refuses the token (a 401 answer to a request that carried it). */
  onUnauthorized: (() => void) | null = null;
  /**
   * Asked for a newer token when the server refuses the one a request carried (the console's
   * expire within minutes): the request is then sent once more with it. Resolves to null when
   * there is none (the sign-in ended: `onUnauthorized` runs); rejects when none can be had now
   * (offline: the refusal is the answer, and the sign-in stays).
   */
  renewToken: ((refused: string) => Promise<string | null>) | null = null;

  /** `base` is the server's origin ('' for the page's own). */
  constructor(
    readonly base: string,
    public token: string | null = null,
  ) {}

  /**
   * One operation of the OpenAPI document, typed from it: `path` is the document's path
   * template, its `{parameters}` filled from `options.path`.
   */
  call<M extends HttpMethod, P extends PathsWith<M>>(
    method: M,
    path: P,
    ...[options]: CallArgs<Operation<M, P>>
  ): Promise<Success<M, P>> {
    const given = options as unknown as
      | { path?: Record<string, string | number>; query?: Record<string, unknown>; body?: unknown }
      | undefined;
    const { path: params, query, body } = given ?? {};
    let url = (path as string).replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(String(params?.[name])));
    const search = new URLSearchParams();
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== null) search.set(k, String(v));
    const queryString = search.toString();
    if (queryString) url += `?${queryString}`;
    return this.request<Success<M, P>>(method.toUpperCase() as Method, url, body);
  }

  async request<T>(method: Method, path: string, body?: unknown): Promise<T> {
    const token = this.token;
    let answer = await this.send(method, path, body, token);
    if (answer.status === 401 && token && this.renewToken) {
      // The same request once more (a message's client_msg_id keeps it from being sent twice).
      const renewed = await this.renewToken(token).catch(() => undefined);
      if (renewed === undefined) throw answer.error;
      if (renewed) answer = await this.send(method, path, body, renewed);
    }
    if (answer.error) {
      if (answer.status === 401 && token) this.onUnauthorized?.();
      throw answer.error;
    }
    return answer.body as T;
  }

  /** One request with `token`; the answer's status, and its body or its error. */
  private async send(method: Method, path: string, body: unknown, token: string | null) {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(this.base + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        // The console's refresh cookie is set (signing in, refreshing) and cleared (logging out).
        credentials: 'same-origin',
      });
    } catch {
      throw new ApiError(0, 'network', t('error.network'));
    }
    const text = await res.text();
    const parsed = text ? safeJson(text) : null;
    if (res.ok) return { status: res.status, body: parsed, error: null };
    const err = (parsed ?? {}) as Partial<ErrorBody>;
    const error = new ApiError(res.status, err.error ?? 'internal', err.message ?? res.statusText, err.fields ?? undefined);
    return { status: res.status, body: null, error };
  }

  // Customers and visitors
  registerClient(body: RegisterInput) {
    return this.call('post', '/api/clients/register', { body });
  }
  loginClient(body: ClientLoginInput) {
    return this.call('post', '/api/clients/login', { body });
  }
  me() {
    return this.call('get', '/api/clients/me');
  }
  createVisitor(body: VisitorInput) {
    return this.call('post', '/api/widget/visitors', { body });
  }

  // Organizations
  discover(domain: string) {
    return this.call('get', '/api/organizations/discover/{domain}', { path: { domain } });
  }
  directory(q: string, limit = 20) {
    return this.call('get', '/api/organizations/directory', { query: { q, limit } });
  }
  organization(id: string) {
    return this.call('get', '/api/organizations/{id}', { path: { id } });
  }
  updateOrganization(id: string, body: UpdateOrganizationInput) {
    return this.call('put', '/api/organizations/{id}', { path: { id }, body });
  }

  // Sessions
  clientSessions() {
    return this.call('get', '/api/sessions');
  }
  /**
   * `context`: what the customer's browser saw (the page, the browser), for the agents' customer
   * panel; `team_id`: the team chosen (none: the organization's default team); `attributes`:
   * what the site says of its user.
   */
  openSession(organizationId: string, opening: Omit<OpenSessionInput, 'organization_id'> = {}) {
    return this.call('post', '/api/sessions', { body: { organization_id: organizationId, ...opening } });
  }
  session(id: string) {
    return this.call('get', '/api/sessions/{id}', { path: { id } });
  }
  messages(id: string, page: { limit?: number; before?: number; after?: number } = {}) {
    return this.call('get', '/api/sessions/{id}/messages', { path: { id }, query: page });
  }
  sendMessage(id: string, content: string, clientMsgId?: string) {
    return this.call('post', '/api/sessions/{id}/messages', { path: { id }, body: { content, client_msg_id: clientMsgId } });
  }
  orgSessions(orgId: string, status?: SessionStatus) {
    return this.call('get', '/api/sessions/organization/{organization_id}', {
      path: { organization_id: orgId },
      query: { status },
    });
  }
  waitingSessions(orgId: string) {
    return this.call('get', '/api/sessions/organization/{organization_id}/waiting', { path: { organization_id: orgId } });
  }
  assign(sessionId: string, agentId: string) {
    return this.call('put', '/api/sessions/{id}/assign', { path: { id: sessionId }, body: { agent_id: agentId } });
  }
  close(sessionId: string) {
    return this.call('put', '/api/sessions/{id}/close', { path: { id: sessionId } });
  }

  // Agents
  loginAgent(body: LoginInput) {
    return this.call('post', '/api/agents/login', { body });
  }
  agent(id: string) {
    return this.call('get', '/api/agents/{id}', { path: { id } });
  }
  agents(orgId: string) {
    return this.call('get', '/api/agents/organization/{organization_id}', { path: { organization_id: orgId } });
  }
  agentSessions(agentId: string, status?: SessionStatus) {
    return this.call('get', '/api/agents/{id}/sessions', { path: { id: agentId }, query: { status } });
  }
  createAgent(body: CreateAgentInput) {
    return this.call('post', '/api/agents', { body });
  }
  updateAgent(id: string, body: UpdateAgentInput) {
    return this.call('put', '/api/agents/{id}', { path: { id }, body });
  }
  setAgentStatus(id: string, status: AgentStatus) {
    return this.call('put', '/api/agents/{id}/status', { path: { id }, body: { status } });
  }
  deleteAgent(id: string) {
    return this.call('delete', '/api/agents/{id}', { path: { id } });
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
