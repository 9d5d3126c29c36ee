// What happens when parts of a cluster fail: a node killed during a message burst loses no
// acknowledged message and duplicates none once clients resend elsewhere; a Redis restart
// interrupts fan-out between nodes but loses nothing, and fan-out comes back by itself; a login
// brute force spread over the nodes is throttled as on one node.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  call,
  createOrg,
  createAgent,
  registerClient,
  openSession,
  connect,
  waitFor,
  waitUntil,
  waitOnline,
  emitAck,
  emitOk,
  closeAllSockets,
  uniq,
} from '../e2e/helpers.mjs';
import { startCluster, REDIS_URL } from './cluster.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const clusters = [];

after(async () => {
  await closeAllSockets();
  await Promise.all(clusters.map((c) => c.stop()));
});

async function cluster(opts) {
  const c = await startCluster(opts);
  clusters.push(c);
  return c;
}

/** Every message of a session, through the API. */
async function history(api, token, sessionId) {
  const all = [];
  for (let after = 0; ; ) {
    const page = await call(api, 'GET', `/api/sessions/${sessionId}/messages?after=${after}&limit=200`, { token });
    all.push(...page.messages);
    after += page.messages.length;
    if (!page.has_more) return all;
  }
}

test('a node killed during a message burst loses no acknowledged message and duplicates none', async () => {
  const { nodes } = await cluster({ nodes: 3 });
  const [steady, other, doomed] = nodes;
  const org = await createOrg(steady.api);
  const agent = await createAgent(steady.api, org.adminToken, { maxConcurrentSessions: 50 });
  agent.socket = await connect(steady.url, agent.token);
  await waitOnline(steady.api, org.adminToken, agent.agent.id);

  const customers = [];
  for (let i = 0; i < 8; i++) {
    const c = await registerClient(doomed.api);
    c.session = await openSession(doomed.api, c.token, org.organization.id, { message: 'start' });
    c.socket = await connect(doomed.url, c.token);
    c.acked = new Set();
    c.sent = [];
    customers.push(c);
  }

  // Every customer sends without waiting for acks until the node dies under them.
  const sending = customers.map(async (c) => {
    for (let i = 0; c.socket.connected; i++) {
      const key = `k-${uniq()}`;
      c.sent.push(key);
      emitAck(c.socket, 'send_message', { session_id: c.session.id, content: `m${i}`, client_msg_id: key }, { timeout: 3000 })
        .then((ack) => ack.ok && c.acked.add(key))
        .catch(() => {});
      // Paces the trickle of sends (the traffic under test), not a wait for anything.
      await new Promise((r) => setTimeout(r, 5));
    }
  });
  await waitUntil(async () => customers.every((c) => c.acked.size >= 20), { timeout: 15000, what: 'acks before the kill' });
  await doomed.kill();
  await Promise.all(sending);

  // Reconnect elsewhere and resend everything not acknowledged, with the same keys.
  for (const c of customers) {
    const socket = await connect(other.url, c.token);
    for (const key of c.sent.filter((k) => !c.acked.has(k))) {
      const ack = await emitOk(socket, 'send_message', { session_id: c.session.id, content: 'resent', client_msg_id: key });
      assert.equal(ack.message.client_msg_id, key);
    }
  }
  let acked = 0;
  for (const c of customers) {
    const messages = await history(steady.api, c.token, c.session.id);
    messages.forEach((m, i) => assert.equal(m.seq, i + 1, 'gapless seq'));
    const keys = messages.map((m) => m.client_msg_id).filter(Boolean);
    assert.equal(new Set(keys).size, keys.length, 'no message stored twice');
    for (const key of c.sent) assert.ok(keys.includes(key), `sent ${key} is stored once it was resent`);
    acked += c.acked.size;
  }
  assert.ok(acked >= 160, `a real burst: ${acked} acknowledged before the kill`);
});

test('a Redis restart interrupts fan-out between nodes but loses nothing, and fan-out comes back', async () => {
  const { nodes } = await cluster({ nodes: 2 });
  const [a, b] = nodes;
  const org = await createOrg(a.api);
  const agent = await createAgent(b.api, org.adminToken, { maxConcurrentSessions: 5 });
  agent.socket = await connect(b.url, agent.token);
  await call(a.api, 'PUT', `/api/agents/${org.admin.id}/status`, { token: org.adminToken, body: { status: 'busy' } });
  await waitOnline(a.api, org.adminToken, agent.agent.id);
  const customer = await registerClient(a.api);
  const cs = await connect(a.url, customer.token);
  const session = await openSession(a.api, customer.token, org.organization.id, { message: 'before' });
  await waitFor(agent.socket, 'new_message', { filter: (p) => p.message.session_id === session.id && p.message.seq === 1 });

  execFileSync('redis-cli', ['-u', REDIS_URL, 'shutdown', 'nosave'], { stdio: 'ignore' });
  try {
    // Stored and acknowledged while Redis is down; the agent's node cannot hear of it.
    const during = await emitOk(cs, 'send_message', { session_id: session.id, content: 'while Redis is down' });
    const ready = await call(a.api, 'GET', '/ready');
    assert.deepEqual([ready.status, ready.redis], ['degraded', 'unreachable']);
    assert.ok(during.message.seq > 1);
  } finally {
    execFileSync(path.resolve(here, '../../../scripts/services'), ['redis'], { stdio: 'ignore' });
  }
  await waitUntil(async () => (await call(a.api, 'GET', '/ready')).status === 'ready', {
    timeout: 10000,
    what: 'the node to see Redis again',
  });

  // Fan-out comes back by itself: a later message reaches the agent on the other node, who
  // sees the jump in seq and fills the gap from history.
  let after;
  await waitUntil(
    async () => {
      const sent = await emitOk(cs, 'send_message', { session_id: session.id, content: 'after', client_msg_id: `after-${uniq()}` });
      after = await waitFor(agent.socket, 'new_message', {
        filter: (p) => p.message.id === sent.message.id,
        timeout: 1000,
      }).catch(() => null);
      return after;
    },
    { timeout: 20000, interval: 200, what: 'fan-out between nodes to come back' },
  );
  const gap = await emitOk(agent.socket, 'get_session_history', { session_id: session.id, after: 1 });
  assert.ok(gap.messages.some((m) => m.content === 'while Redis is down'), 'the missed message is in the history');
  const all = await history(b.api, agent.token, session.id);
  all.forEach((m, i) => assert.equal(m.seq, i + 1, 'nothing lost, gapless'));
});

test('a login brute force spread over three nodes is throttled as on one node', async () => {
  const { nodes } = await cluster({ nodes: 3, env: { RAASEL_AUTH_RATE_PER_MINUTE: '6' } });
  const org = await createOrg(nodes[0].api);
  const email = org.admin.email;
  const statuses = [];
  for (let i = 0; i < 12; i++) {
    const res = await nodes[i % 3].api('POST', '/api/agents/login', { body: { email, password: `guess ${i}` } });
    statuses.push(res.status);
  }
  // The signup already used one of the address's six; the account's and the address's
  // budgets are shared by all nodes, so at most six attempts get through in all.
  assert.ok(statuses.filter((s) => s === 401).length <= 6, `${statuses}`);
  assert.ok(statuses.slice(6).every((s) => s === 429), `${statuses}`);
  const retry = await nodes[2].api('POST', '/api/agents/login', { body: { email, password: 'admin-password-1' } });
  assert.equal(retry.status, 429, 'even the right password waits');
  assert.ok(Number(retry.headers.get('retry-after')) >= 1);
});
