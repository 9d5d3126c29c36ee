// The REST client: requests built from the OpenAPI document's path templates, answers and errors;
// and, checked by the type check (`npm test` runs tsc over this file), calls that do not match
// the document do not compile.

import { afterEach, describe, expect, test, vi } from 'vitest';
import { Api, ApiError } from './api';

interface Sent {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: unknown;
}

function serve(status: number, answer: unknown): Sent[] {
  const sent: Sent[] = [];
  vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
    sent.push({
      url,
      method: init.method ?? 'GET',
      headers: init.headers as Record<string, string>,
      body: init.body === undefined ? undefined : JSON.parse(String(init.body)),
    });
    return new Response(answer === null ? null : JSON.stringify(answer), { status });
  });
  return sent;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('Api', () => {
  test('fills path parameters, leaves out absent query values and sends the token', async () => {
    const sent = serve(200, { messages: [], has_more: false });
    const api = new Api('http://raasel.test', 'tok');
    const page = await api.messages('s 1/x', { after: 3, before: undefined });
    expect(page).toEqual({ messages: [], has_more: false });
    expect(sent).toEqual([
      {
        url: 'http://raasel.test/api/sessions/s%201%2Fx/messages?after=3',
        method: 'GET',
        headers: { accept: 'application/json', authorization: 'Bearer tok' },
        body: undefined,
      },
    ]);
  });

  test('sends the JSON body, without a query string when there is none', async () => {
    const sent = serve(201, { agent: { id: 'a' } });
    await new Api('').createAgent({ name: 'Ben', email: 'ben@sample.com', password: 'password-1', role: 'agent' });
    expect(sent[0].url).toBe('/api/agents');
    expect(sent[0].method).toBe('POST');
    expect(sent[0].headers['content-type']).toBe('application/json');
    expect(sent[0].body).toEqual({ name: 'Ben', email: 'ben@sample.com', password: 'password-1', role: 'agent' });
  });

  test('204 No Content answers null', async () => {
    serve(204, null);
    expect(await new Api('').deleteAgent('a')).toBeNull();
  });

  test("an error answer becomes an ApiError with the server's code and fields", async () => {
    serve(400, { error: 'validation_failed', message: 'Invalid input', fields: { name: 'is empty' } });
    const err = await new Api('').updateAgent('a', { name: '' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 400, code: 'validation_failed', fields: { name: 'is empty' } });
  });

  test('a refused token is reported once per refusal; a refused login without one is not', async () => {
    serve(401, { error: 'unauthorized', message: 'invalid token' });
    let refused = 0;
    const api = new Api('', 'old-token');
    api.onUnauthorized = () => refused++;
    await expect(api.agents('o')).rejects.toMatchObject({ status: 401, code: 'unauthorized' });
    expect(refused).toBe(1);
    const login = new Api('');
    login.onUnauthorized = () => refused++;
    await expect(login.loginAgent({ email: 'a@b.c', password: 'wrong-one' })).rejects.toMatchObject({ status: 401 });
    expect(refused).toBe(1);
  });

  test('a refused token is renewed once and the same request sent again with the new one', async () => {
    const sent: Sent[] = [];
    vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
      const headers = init.headers as Record<string, string>;
      sent.push({ url, method: init.method ?? 'GET', headers, body: init.body === undefined ? undefined : JSON.parse(String(init.body)) });
      const ok = headers.authorization === 'Bearer new-token';
      return new Response(JSON.stringify(ok ? { message: { seq: 1 } } : { error: 'unauthorized', message: 'the token expired' }), {
        status: ok ? 201 : 401,
      });
    });
    const api = new Api('', 'old-token');
    const renewals: string[] = [];
    api.renewToken = async (refused) => {
      renewals.push(refused);
      return 'new-token';
    };
    let refused = 0;
    api.onUnauthorized = () => refused++;
    expect(await api.sendMessage('s', 'Hello', 'm-1')).toEqual({ message: { seq: 1 } });
    expect(renewals).toEqual(['old-token']);
    expect(refused).toBe(0);
    expect(sent.map((r) => r.headers.authorization)).toEqual(['Bearer old-token', 'Bearer new-token']);
    expect(sent[1].body).toEqual(sent[0].body);
    expect(sent[1].body).toEqual({ content: 'Hello', client_msg_id: 'm-1' });
  });

  test('a renewed token refused too, or no renewal (the sign-in ended), signs out; a renewal not possible now does not', async () => {
    const sent = serve(401, { error: 'unauthorized', message: 'invalid token' });
    let refused = 0;
    const api = new Api('', 'old-token');
    api.onUnauthorized = () => refused++;

    api.renewToken = async () => 'new-token';
    await expect(api.agents('o')).rejects.toMatchObject({ status: 401 });
    expect(sent).toHaveLength(2);
    expect(refused).toBe(1);

    api.renewToken = async () => null;
    await expect(api.agents('o')).rejects.toMatchObject({ status: 401 });
    expect(sent).toHaveLength(3);
    expect(refused).toBe(2);

    api.renewToken = async () => {
      throw new ApiError(0, 'network', 'offline');
    };
    await expect(api.agents('o')).rejects.toMatchObject({ status: 401 });
    expect(sent).toHaveLength(4);
    expect(refused).toBe(2);
  });
});

/** Never called: each line must fail the type check, as the document does not allow it. */
export function callsTheDocumentRefuses(api: Api) {
  // @ts-expect-error no such route
  void api.call('get', '/api/no-such-route');
  // @ts-expect-error no DELETE on this route
  void api.call('delete', '/api/sessions');
  // @ts-expect-error the path parameter is missing
  void api.call('get', '/api/sessions/{id}');
  // @ts-expect-error the body misses organization_id
  void api.call('post', '/api/sessions', { body: { subject: 'Hello' } });
  // @ts-expect-error `after` is a number
  void api.call('get', '/api/sessions/{id}/messages', { path: { id: 's' }, query: { after: 'one' } });
  // @ts-expect-error not a role
  void api.updateAgent('a', { role: 'owner' });
  void api.call('get', '/api/sessions/{id}', { path: { id: 's' } }).then(({ session }) => {
    // @ts-expect-error a session has no such field
    void session.assigned_to;
    return session.assigned_agent?.name;
  });
}
