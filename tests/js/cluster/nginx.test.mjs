// Three nodes behind nginx run with the configuration of docs/cluster.md (deploy/nginx-cluster.conf,
// only addresses, port and certificate changed), over HTTPS with a certificate made by the test:
// a customer and an agent who nginx sends to different nodes chat over WebSocket; a
// long-polling client keeps its session on one node thanks to sticky routing; the nodes, told
// to trust nginx, see (in their logs and rate limits) the client address nginx saw, never one a
// client forged. Node failures behind nginx: nginx-failures.test.mjs.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import {
  call,
  createOrg,
  createAgent,
  registerClient,
  openSession,
  waitFor,
  waitOnline,
  emitOk,
  closeAllSockets,
  closeSocket,
  uniq,
  waitUntil,
} from '../e2e/helpers.mjs';
import { startCluster } from './cluster.mjs';
import {
  BEHIND_NGINX,
  NGINX_CONF,
  addressesPerNode,
  documentedConfig,
  request,
  startNginx,
} from './nginx.mjs';

const stops = [];

after(async () => {
  await closeAllSockets();
  for (const stop of stops.reverse()) await stop();
});

/** Three nodes and nginx in front: `{nodes, nginx}`. */
async function behindNginx({ env = {} } = {}) {
  const cluster = await startCluster({ nodes: 3, env, args: BEHIND_NGINX });
  stops.push(() => cluster.stop());
  const nginx = await startNginx(cluster.nodes);
  stops.push(() => nginx.stop());
  return { nodes: cluster.nodes, nginx };
}

let nodes;
let nginx;

before(async () => {
  ({ nodes, nginx } = await behindNginx());
});

const forSession = (id) => (p) => (p.message ? p.message.session_id : p.session_id) === id;
const nodeOf = (url) => nodes.find((n) => n.url === url);

test('docs/cluster.md shows deploy/nginx-cluster.conf verbatim, the file these tests run', async () => {
  assert.equal(await documentedConfig(), await readFile(NGINX_CONF, 'utf8'));
});

test('nginx serves HTTPS with the certificate the test made, refuses plain HTTP, and passes /ready on to a node', async () => {
  const res = await fetch(`http://127.0.0.1:${nginx.port}/health`);
  assert.equal(res.status, 400, 'plain HTTP on the TLS port is refused by nginx');
  const ready = await nginx.from('127.0.0.1').api('GET', '/ready');
  assert.equal(ready.status, 200);
  assert.equal(ready.body.status, 'ready');
});

test('through nginx over HTTPS, a customer and an agent on different nodes chat over WebSocket', async () => {
  const byNode = await addressesPerNode(nginx, nodes);
  const [customerNode, agentNode] = [...byNode.keys()];
  const customerSide = nginx.from(byNode.get(customerNode));
  const agentSide = nginx.from(byNode.get(agentNode));
  assert.notEqual(customerNode, agentNode);

  const org = await createOrg(agentSide.api);
  await call(agentSide.api, 'PUT', `/api/agents/${org.admin.id}/status`, { token: org.adminToken, body: { status: 'busy' } });
  const agent = await createAgent(agentSide.api, org.adminToken, { name: 'Nadia', maxConcurrentSessions: 5 });
  agent.socket = await agentSide.connect(agent.token);
  assert.equal(agent.socket.io.engine.transport.name, 'websocket');
  // Presence is shared: the customer's node sees the agent online.
  await waitOnline(nodeOf(customerNode).api, org.adminToken, agent.agent.id);

  const customer = await registerClient(customerSide.api);
  const cs = await customerSide.connect(customer.token);
  assert.equal(cs.io.engine.transport.name, 'websocket');
  const session = await openSession(customerSide.api, customer.token, org.organization.id, { message: 'Hello through nginx' });
  assert.equal(session.agent_id, agent.agent.id);

  const first = await waitFor(agent.socket, 'new_message', { filter: (p) => p.message.session_id === session.id && p.message.seq === 1 });
  assert.equal(first.message.content, 'Hello through nginx');
  await waitFor(cs, 'agent_assigned', { filter: forSession(session.id) });

  await emitOk(agent.socket, 'typing_start', { session_id: session.id });
  await waitFor(cs, 'typing_start', { filter: forSession(session.id) });
  const reply = await emitOk(agent.socket, 'send_message', { session_id: session.id, content: 'Hello from the other node' });
  const got = await waitFor(cs, 'new_message', { filter: (p) => p.message.id === reply.message.id });
  assert.equal(got.message.seq, reply.message.seq);
  assert.ok(reply.message.seq > 1);
  const sent = await emitOk(cs, 'send_message', { session_id: session.id, content: 'Thanks', client_msg_id: `c-${uniq()}` });
  await waitFor(agent.socket, 'new_message', { filter: (p) => p.message.id === sent.message.id });
  await emitOk(cs, 'mark_read', { session_id: session.id, seq: reply.message.seq });
  await waitFor(agent.socket, 'messages_read', { filter: forSession(session.id) });

  // Both WebSockets went through nginx, each to its own node (nginx logs an upgraded
  // connection when it closes).
  await closeSocket(cs);
  await closeSocket(agent.socket);
  const upgrades = async () => (await nginx.access()).filter((l) => l.uri.startsWith('/socket.io/') && l.status === 101);
  const lines = await waitUntil(
    async () => {
      const all = await upgrades();
      const mine = (a) => all.filter((l) => l.remote === a);
      return mine(customerSide.address).length && mine(agentSide.address).length ? all : null;
    },
    { what: 'the WebSocket connections in the access log' },
  );
  assert.deepEqual(
    [...new Set(lines.filter((l) => l.remote === customerSide.address).map((l) => l.upstreams.at(-1)))],
    [customerNode.replace('http://', '')],
  );
  assert.deepEqual(
    [...new Set(lines.filter((l) => l.remote === agentSide.address).map((l) => l.upstreams.at(-1)))],
    [agentNode.replace('http://', '')],
  );
});

test('a long-polling client through nginx keeps its session on one node and chats with an agent on another', async () => {
  const byNode = await addressesPerNode(nginx, nodes, { first: 100 });
  const [pollingNode, agentNode] = [...byNode.keys()];
  const pollingSide = nginx.from(byNode.get(pollingNode));
  const agentSide = nginx.from(byNode.get(agentNode));

  const org = await createOrg(agentSide.api);
  await call(agentSide.api, 'PUT', `/api/agents/${org.admin.id}/status`, { token: org.adminToken, body: { status: 'busy' } });
  const agent = await createAgent(agentSide.api, org.adminToken, { maxConcurrentSessions: 5 });
  agent.socket = await agentSide.connect(agent.token);
  await waitOnline(nodeOf(pollingNode).api, org.adminToken, agent.agent.id);

  const customer = await registerClient(pollingSide.api);
  const cs = await pollingSide.connect(customer.token, { transports: ['polling'] });
  assert.equal(cs.io.engine.transport.name, 'polling');
  const sid = cs.io.engine.id;
  const session = await openSession(pollingSide.api, customer.token, org.organization.id, { message: 'polling here' });
  await waitFor(cs, 'agent_assigned', { filter: forSession(session.id) });
  const messages = [];
  for (let i = 0; i < 5; i++) {
    const reply = await emitOk(agent.socket, 'send_message', { session_id: session.id, content: `answer ${i}` });
    await waitFor(cs, 'new_message', { filter: (p) => p.message.id === reply.message.id });
    const mine = await emitOk(cs, 'send_message', { session_id: session.id, content: `question ${i}`, client_msg_id: `p-${uniq()}` });
    await waitFor(agent.socket, 'new_message', { filter: (p) => p.message.id === mine.message.id });
    messages.push(reply.message.seq, mine.message.seq);
  }
  assert.deepEqual(messages, messages.map((_, i) => messages[0] + i), 'one after another, gapless');
  assert.equal(cs.io.engine.id, sid, 'one engine.io session all along');
  assert.equal(cs.io.engine.transport.name, 'polling');

  // Every request of the session went to one node…
  const polls = await waitUntil(
    async () => {
      const mine = (await nginx.access()).filter((l) => l.uri.includes(`sid=${sid}`));
      return mine.length >= 10 ? mine : null;
    },
    { what: "the polling session's requests in the access log" },
  );
  assert.ok(polls.every((l) => l.status === 200), `${polls.map((l) => l.status)}`);
  assert.deepEqual([...new Set(polls.map((l) => l.upstreams.at(-1)))], [pollingNode.replace('http://', '')]);
  // …which sticky routing is for: another node does not know the session.
  const elsewhere = await fetch(`${agentNode}/socket.io/?EIO=4&transport=polling&sid=${sid}`);
  assert.equal(elsewhere.status, 400);
  await closeSocket(cs);
});

test('with --trusted-proxies, a node logs and rate-limits the client address nginx saw, never a forged one', async () => {
  const { nodes: limited, nginx: front } = await behindNginx({
    env: { RAASEL_AUTH_RATE_PER_MINUTE: '3', RAASEL_LOG_FORMAT: 'json', RUST_LOG: 'info' },
  });
  const forged = { 'x-forwarded-for': '198.51.100.23' };
  const login = (side, i, headers = {}) =>
    side.api('POST', '/api/agents/login', { body: { email: `nobody-${i}-${uniq()}@example.com`, password: 'x' }, headers });

  // Three attempts from one customer's address (one of them with a forged X-Forwarded-For)
  // use up that address's budget; the fourth waits, forged header or not.
  const customer = front.from('127.0.40.1');
  const statuses = [];
  statuses.push((await login(customer, 1)).status);
  statuses.push((await login(customer, 2, forged)).status);
  statuses.push((await login(customer, 3)).status);
  statuses.push((await login(customer, 4, forged)).status);
  statuses.push((await login(customer, 5)).status);
  assert.deepEqual(statuses, [401, 401, 401, 429, 429]);
  // Another customer behind the same nginx has a budget of its own: the nodes do not count
  // nginx's address.
  const other = front.from('127.0.41.1');
  assert.equal((await login(other, 6)).status, 401);

  // The request log of the node that served each attempt names the customer's address.
  const loginLines = () =>
    limited
      .flatMap((n) => n.logs().split('\n'))
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l))
      .filter((l) => l.message === 'request' && l.span?.route === '/api/agents/login');
  const ips = await waitUntil(
    () => {
      const all = loginLines().map((l) => l.span.ip);
      return all.length >= 6 ? all : null;
    },
    { what: 'six login requests in the nodes\' logs' },
  );
  assert.equal(ips.filter((ip) => ip === '127.0.40.1').length, 5, JSON.stringify(ips));
  assert.equal(ips.filter((ip) => ip === '127.0.41.1').length, 1, JSON.stringify(ips));
  assert.ok(!ips.includes('198.51.100.23'), 'a forged X-Forwarded-For is not believed');
  assert.ok(!ips.includes('127.0.0.1'), 'nginx itself is never taken for the client');

  // A client that reaches a node directly is no trusted proxy: its forged header is ignored too.
  const direct = await request(`${limited[0].url}/api/agents/login`, {
    method: 'POST',
    localAddress: '127.0.42.1',
    headers: { ...forged, 'content-type': 'application/json' },
    body: JSON.stringify({ email: `direct-${uniq()}@example.com`, password: 'x' }),
  });
  assert.equal(direct.status, 401);
  const directLine = await waitUntil(() => loginLines().find((l) => !['127.0.40.1', '127.0.41.1'].includes(l.span.ip)), {
    what: 'the direct request in the log',
  });
  assert.equal(directLine.span.ip, '127.0.42.1');
});
