// Shared machinery of the end-to-end suite: one real `raasel` server per test file, REST calls
// through global fetch, and sockets of the official `socket.io-client` whose events are buffered
// from the moment the socket is created, so no event is missed between an action and the wait
// for its consequence. Every wait has a timeout.

import { execFileSync, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import { io } from 'socket.io-client';

const here = path.dirname(fileURLToPath(import.meta.url));

export const RAASEL_BIN =
  process.env.RAASEL_BIN || path.resolve(here, '../../../target/debug/raasel');

/** Default timeout of a wait for an event that must arrive. */
export const EVENT_TIMEOUT = 5000;

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A short unique suffix for names, e-mails, domains. */
export function uniq() {
  return randomUUID().replace(/-/g, '').slice(0, 12);
}

/** A free port on 127.0.0.1 (for a server the test starts). */
export async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * The store flags of a test server: a fresh PostgreSQL schema when the test command runs this
 * suite on PostgreSQL (RAASEL_TEST_STORE=postgres, RAASEL_TEST_POSTGRES=<url>), else nothing
 * (the embedded store in the data directory).
 */
function storeArgs() {
  if (process.env.RAASEL_TEST_STORE !== 'postgres') return [];
  return ['--database-url', freshPostgresUrl(), '--database-pool-size', '16'];
}

/** A fresh, empty schema in the PostgreSQL test database, as a URL. */
export function freshPostgresUrl() {
  const base = process.env.RAASEL_TEST_POSTGRES;
  if (!base) throw new Error('RAASEL_TEST_POSTGRES is not set: these tests need PostgreSQL (./scripts/test starts one)');
  const schema = `js_${uniq()}`;
  execFileSync('psql', [base, '-q', '-c', `CREATE SCHEMA ${schema}`], { stdio: 'pipe' });
  const sep = base.includes('?') ? '&' : '?';
  return `${base}${sep}options[search_path]=${schema}`;
}

/**
 * Starts a server on a free port with a fresh store (or `store`: its flags) and `args`, and waits
 * until `/health` answers. Returns `{url, api, stop, kill, logs}`; call `stop()` in an `after`
 * hook (`kill()` is SIGKILL).
 */
export async function startServer({ env = {}, args = [], store, startTimeout = 30000 } = {}) {
  const port = await freePort();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'raasel-e2e-'));
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(
    RAASEL_BIN,
    ['serve', '--listen', `127.0.0.1:${port}`, '--data-dir', dataDir, ...(store ?? storeArgs()), ...args],
    {
      // Only what the server needs: never the developer's own RAASEL_* settings.
      env: {
        PATH: process.env.PATH,
        RAASEL_AUTH_RATE_PER_MINUTE: '100000',
        RAASEL_MESSAGE_RATE_PER_MINUTE: '100000',
        RAASEL_SOCKET_EVENTS_PER_SECOND: '1000',
        RAASEL_MAX_SOCKETS_PER_ACCOUNT: '1000',
        RAASEL_OPERATOR_TOKEN: 'op',
        RUST_LOG: 'warn',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let logs = '';
  const keep = (chunk) => {
    logs += chunk.toString();
    if (logs.length > 200_000) logs = logs.slice(-100_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exited = null;
  const exitPromise = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      resolve(exited);
    });
    child.on('error', (err) => {
      exited = { error: err };
      resolve(exited);
    });
  });

  const deadline = Date.now() + startTimeout;
  for (;;) {
    if (exited) {
      await rm(dataDir, { recursive: true, force: true });
      throw new Error(
        `raasel exited before answering /health (${JSON.stringify(exited)}; bin ${RAASEL_BIN}):\n${logs}`,
      );
    }
    try {
      const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) });
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      await rm(dataDir, { recursive: true, force: true });
      throw new Error(`raasel did not answer /health within ${startTimeout} ms:\n${logs}`);
    }
    await sleep(50);
  }

  const api = makeApi(url);
  async function kill() {
    if (!exited) {
      child.kill('SIGKILL');
      await exitPromise;
    }
  }
  async function stop() {
    if (!exited) {
      child.kill('SIGTERM');
      const forced = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exitPromise;
      clearTimeout(forced);
    }
    await rm(dataDir, { recursive: true, force: true });
  }
  return { url, api, stop, kill, logs: () => logs };
}

/** `api(method, path, {token, body})` → `{status, body, headers}`. */
export function makeApi(base) {
  return async function api(method, p, { token, body } = {}) {
    const headers = { accept: 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(base + p, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(10000),
    });
    const text = await res.text();
    let parsed = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // not JSON
    }
    return { status: res.status, body: parsed, headers: res.headers };
  };
}

/** Calls the API and insists on the expected status. */
export async function call(api, method, p, opts = {}, expected = [200, 201]) {
  const want = Array.isArray(expected) ? expected : [expected];
  const res = await api(method, p, opts);
  if (!want.includes(res.status)) {
    throw new Error(
      `${method} ${p} answered ${res.status} (wanted ${want.join('/')}): ${JSON.stringify(res.body)}`,
    );
  }
  return res.body;
}

// ---------------------------------------------------------------------------------------------
// Fixtures

/** A new organization with its admin; `settings` optional. */
export async function createOrg(api, { name, settings } = {}) {
  const u = uniq();
  const password = 'admin-password-1';
  const body = {
    name: name || `Org ${u}`,
    domain: `org-${u}.example.com`,
    admin: { name: `Admin ${u}`, email: `admin-${u}@example.com`, password },
  };
  if (settings) body.settings = settings;
  const out = await call(api, 'POST', '/api/organizations', { body }, 201);
  return { organization: out.organization, admin: out.agent, adminToken: out.token };
}

/** A new agent of the admin's organization, logged in: `{agent, token}`. */
export async function createAgent(api, adminToken, { name, maxConcurrentSessions, role } = {}) {
  const u = uniq();
  const email = `agent-${u}@example.com`;
  const password = 'agent-password-1';
  const body = { name: name || `Agent ${u}`, email, password };
  if (maxConcurrentSessions !== undefined) body.max_concurrent_sessions = maxConcurrentSessions;
  if (role) body.role = role;
  const created = await call(api, 'POST', '/api/agents', { token: adminToken, body }, 201);
  const login = await call(api, 'POST', '/api/agents/login', { body: { email, password } }, 200);
  if (login.agent.id !== created.agent.id) throw new Error('login returned another agent');
  return { agent: created.agent, token: login.token };
}

/** A registered customer: `{client, token}`. */
export async function registerClient(api) {
  const u = uniq();
  const out = await call(
    api,
    'POST',
    '/api/clients/register',
    { body: { username: `c_${u}`, email: `client-${u}@example.com`, password: 'client-password-1' } },
    201,
  );
  return { client: out.client, token: out.token };
}

/** A widget visitor of one organization: `{client, token}`. */
export async function createVisitor(api, organizationId, name) {
  const body = { organization_id: organizationId };
  if (name) body.name = name;
  const out = await call(api, 'POST', '/api/widget/visitors', { body }, 201);
  return { client: out.client, token: out.token };
}

/** Opens a session (with an optional first message): the session object. */
export async function openSession(api, clientToken, organizationId, { subject, message } = {}) {
  const body = { organization_id: organizationId };
  if (subject !== undefined) body.subject = subject;
  if (message !== undefined) body.message = message;
  const out = await call(api, 'POST', '/api/sessions', { token: clientToken, body }, 201);
  return out.session;
}

/** Polls `check` (async, returns truthy when done) until it holds or the timeout passes. */
export async function waitUntil(check, { timeout = EVENT_TIMEOUT, interval = 25, what = 'condition' } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    last = await check();
    if (last) return last;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
    await sleep(interval);
  }
}

/** Waits until the server counts the agent as online (a socket of theirs is registered). */
export async function waitOnline(api, token, agentId, online = true) {
  return waitUntil(
    async () => {
      const { body } = await api('GET', `/api/agents/${agentId}`, { token });
      return body && body.agent && body.agent.online === online;
    },
    { what: `agent ${agentId} online=${online}` },
  );
}

/** Creates an agent, connects their socket and waits until the server counts them online. */
export async function onlineAgent(srv, adminToken, fields = {}) {
  const agent = await createAgent(srv.api, adminToken, fields);
  agent.socket = await connect(srv.url, agent.token);
  await waitOnline(srv.api, adminToken, agent.agent.id);
  return agent;
}

// ---------------------------------------------------------------------------------------------
// Sockets

const openSockets = new Set();

/**
 * Creates a socket (websocket transport, its own connection, no automatic reconnection) whose
 * events are recorded from the start. Does not wait for the connection; see `connect`.
 */
export function socketFor(url, token, { auth, ...opts } = {}) {
  const socket = io(url, {
    auth: auth !== undefined ? auth : token === undefined ? undefined : { token },
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    timeout: 5000,
    ...opts,
  });
  socket.received = []; // every event ever received: [{event, args, at}]
  socket.pending = []; // received and not yet consumed by waitFor
  socket.waiters = [];
  socket.onAny((event, ...args) => {
    const entry = { event, args, payload: args[0], at: Date.now() };
    socket.received.push(entry);
    const i = socket.waiters.findIndex((w) => w.event === event && w.filter(entry.payload, ...args));
    if (i >= 0) {
      const [w] = socket.waiters.splice(i, 1);
      w.resolve(entry.payload);
    } else {
      socket.pending.push(entry);
    }
  });
  openSockets.add(socket);
  return socket;
}

/** A connected socket for `token`; rejects with the connect_error otherwise. */
export async function connect(url, token, opts = {}) {
  const socket = socketFor(url, token, opts);
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      socket.close();
      reject(new Error('socket did not connect within 5000 ms'));
    }, 5000);
    const onConnect = () => {
      cleanup();
      resolve();
    };
    const onError = (err) => {
      cleanup();
      socket.close();
      reject(err);
    };
    function cleanup() {
      clearTimeout(timer);
      socket.off('connect', onConnect);
      socket.off('connect_error', onError);
    }
    socket.on('connect', onConnect);
    socket.on('connect_error', onError);
  });
  return socket;
}

/**
 * Waits for the next `event` matching `filter` (buffered events first, consumed in arrival
 * order) and resolves with its payload; rejects after `timeout` ms.
 */
export function waitFor(socket, event, { timeout = EVENT_TIMEOUT, filter = () => true } = {}) {
  const i = socket.pending.findIndex((e) => e.event === event && filter(e.payload, ...e.args));
  if (i >= 0) {
    const [entry] = socket.pending.splice(i, 1);
    return Promise.resolve(entry.payload);
  }
  return new Promise((resolve, reject) => {
    const waiter = {
      event,
      filter,
      resolve: (v) => {
        clearTimeout(waiter.timer);
        resolve(v);
      },
    };
    waiter.timer = setTimeout(() => {
      const idx = socket.waiters.indexOf(waiter);
      if (idx >= 0) socket.waiters.splice(idx, 1);
      const seen = socket.received
        .filter((e) => e.event === event)
        .map((e) => JSON.stringify(e.payload))
        .slice(-5);
      reject(
        new Error(
          `timed out after ${timeout} ms waiting for '${event}' on socket ${socket.id}` +
            (seen.length ? `; last '${event}' payloads seen: ${seen.join(' | ')}` : `; no '${event}' seen at all`),
        ),
      );
    }, timeout);
    socket.waiters.push(waiter);
  });
}

/** Payloads of `event` already received (consumed or not) that match `filter`. */
export function seen(socket, event, filter = () => true) {
  return socket.received.filter((e) => e.event === event && filter(e.payload)).map((e) => e.payload);
}

/** Forgets buffered, unconsumed events of `event` (or all when omitted). */
export function drain(socket, event) {
  socket.pending = event ? socket.pending.filter((e) => e.event !== event) : [];
}

/** Asserts that no `event` matching `filter` arrives within `within` ms (already buffered ones count). */
export async function expectNoEvent(socket, event, { within = 500, filter = () => true } = {}) {
  const already = socket.pending.find((e) => e.event === event && filter(e.payload));
  if (already) throw new Error(`unexpected '${event}': ${JSON.stringify(already.payload)}`);
  try {
    const got = await waitFor(socket, event, { timeout: within, filter });
    throw Object.assign(new Error(`unexpected '${event}': ${JSON.stringify(got)}`), { unexpected: true });
  } catch (e) {
    if (e.unexpected) throw e;
  }
}

/** Every event the server sends (the AsyncAPI document's `send` operations). */
export const SERVER_EVENTS = [
  'new_message',
  'new_session',
  'agent_assigned',
  'new_session_assigned',
  'queue_position',
  'session_status_updated',
  'agent_status_updated',
  'typing_start',
  'typing_stop',
  'messages_delivered',
  'messages_read',
  'session_history',
  'error',
];

/**
 * A quiet window over several events at once: `expectNoEvent` for each of `events` (default
 * every server event) matching `filter`, all within the same `within` ms.
 */
export async function expectNoEvents(socket, { events = SERVER_EVENTS, within = 500, filter = () => true } = {}) {
  await Promise.all(events.map((event) => expectNoEvent(socket, event, { within, filter })));
}

/** Emits with an acknowledgement and resolves with the ack body; rejects after `timeout` ms. */
export async function emitAck(socket, event, payload, { timeout = EVENT_TIMEOUT } = {}) {
  try {
    return await socket.timeout(timeout).emitWithAck(event, payload);
  } catch (e) {
    throw new Error(`no ack for '${event}' ${JSON.stringify(payload)} within ${timeout} ms (${e.message})`);
  }
}

/** Emits with an ack and insists on `{ok: true}`. */
export async function emitOk(socket, event, payload, opts) {
  const ack = await emitAck(socket, event, payload, opts);
  if (!ack || ack.ok !== true) {
    throw new Error(`'${event}' ${JSON.stringify(payload)} was refused: ${JSON.stringify(ack)}`);
  }
  return ack;
}

/** Closes a socket and waits until it is really gone. */
export async function closeSocket(socket) {
  openSockets.delete(socket);
  if (!socket.connected) {
    socket.close();
    return;
  }
  await new Promise((resolve) => {
    const timer = setTimeout(resolve, 2000);
    socket.once('disconnect', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.close();
  });
}

/** Closes every socket created through these helpers (use in `after`). */
export async function closeAllSockets() {
  await Promise.all([...openSockets].map(closeSocket));
}
