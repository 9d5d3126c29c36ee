// Three nodes behind no load balancer at all: a customer on one node and agents on others chat
// exactly as on one node (messages, typing, marks, assignment events, queue positions).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  createOrg,
  createAgent,
  registerClient,
  openSession,
  connect,
  waitFor,
  waitOnline,
  emitOk,
  closeAllSockets,
  call,
  waitUntil,
} from '../e2e/helpers.mjs';
import { startCluster } from './cluster.mjs';

let cluster;
let a; // three nodes
let b;
let c;

before(async () => {
  cluster = await startCluster({ nodes: 3 });
  [a, b, c] = cluster.nodes;
});

after(async () => {
  await closeAllSockets();
  await cluster?.stop();
});

const forSession = (id) => (p) => (p.message ? p.message.session_id : p.session_id) === id;

test('a customer on one node and an agent on another chat with typing, marks and assignment events', async () => {
  const org = await createOrg(a.api);
  const agent = await createAgent(b.api, org.adminToken, { name: 'Beatrice', maxConcurrentSessions: 5 });
  agent.socket = await connect(b.url, agent.token);
  // Presence is shared: node A sees the agent of node B online.
  await waitOnline(a.api, org.adminToken, agent.agent.id);
  // An admin watches from the third node, busy, so that the agent of node B takes the work.
  await call(c.api, 'PUT', `/api/agents/${org.admin.id}/status`, { token: org.adminToken, body: { status: 'busy' } });
  const watcher = await connect(c.url, org.adminToken);

  const customer = await registerClient(a.api);
  const cs = await connect(a.url, customer.token);
  const session = await openSession(a.api, customer.token, org.organization.id, { message: 'Hello from node A' });
  assert.equal(session.agent_id, agent.agent.id, 'assigned to the only online agent, on another node');

  const first = await waitFor(agent.socket, 'new_message', { filter: (p) => p.message.session_id === session.id && p.message.seq === 1 });
  assert.equal(first.message.content, 'Hello from node A');
  const assigned = await waitFor(cs, 'agent_assigned', { filter: forSession(session.id) });
  assert.equal(assigned.agent.id, agent.agent.id);
  await waitFor(agent.socket, 'new_session_assigned', { filter: forSession(session.id) });
  await waitFor(watcher, 'agent_assigned', { filter: forSession(session.id) });

  // Typing both ways.
  await emitOk(agent.socket, 'typing_start', { session_id: session.id });
  const typing = await waitFor(cs, 'typing_start', { filter: forSession(session.id) });
  assert.equal(typing.user_id, agent.agent.id);
  await emitOk(cs, 'typing_start', { session_id: session.id });
  await waitFor(agent.socket, 'typing_start', { filter: forSession(session.id) });
  await emitOk(cs, 'typing_stop', { session_id: session.id });
  await waitFor(agent.socket, 'typing_stop', { filter: forSession(session.id) });

  // The reply crosses back, and marks travel both ways.
  const reply = await emitOk(agent.socket, 'send_message', { session_id: session.id, content: 'Hi, from node B' });
  const got = await waitFor(cs, 'new_message', { filter: (p) => p.message.id === reply.message.id });
  assert.equal(got.message.seq, reply.message.seq);
  await waitFor(watcher, 'new_message', { filter: (p) => p.message.id === reply.message.id });
  await emitOk(cs, 'mark_read', { session_id: session.id, seq: reply.message.seq });
  const read = await waitFor(agent.socket, 'messages_read', { filter: forSession(session.id) });
  assert.deepEqual([read.side, read.seq], ['client', reply.message.seq]);
  await emitOk(agent.socket, 'mark_delivered', { session_id: session.id, seq: 1 });
  const delivered = await waitFor(cs, 'messages_delivered', { filter: forSession(session.id) });
  assert.deepEqual([delivered.side, delivered.seq], ['agent', 1]);
});

test('queue positions reach waiting customers on other nodes and the queue drains across nodes', async () => {
  const org = await createOrg(a.api);
  const agent = await createAgent(a.api, org.adminToken, { maxConcurrentSessions: 1 });
  agent.socket = await connect(a.url, agent.token);
  await waitOnline(c.api, org.adminToken, agent.agent.id);

  const first = await registerClient(b.api);
  const firstSocket = await connect(b.url, first.token);
  const busy = await openSession(b.api, first.token, org.organization.id, { message: 'I came first' });
  assert.equal(busy.agent_id, agent.agent.id);

  const second = await registerClient(c.api);
  const secondSocket = await connect(c.url, second.token);
  const waiting = await openSession(c.api, second.token, org.organization.id, { message: 'and me?' });
  assert.equal(waiting.status, 'waiting');
  const pos = await waitFor(secondSocket, 'queue_position', { filter: forSession(waiting.id) });
  assert.equal(pos.position, 1);
  const fresh = await waitFor(agent.socket, 'new_session', { filter: (p) => p.session.id === waiting.id });
  assert.equal(fresh.session.status, 'waiting');

  // Closing on node B frees the agent of node A for the customer of node C.
  await emitOk(firstSocket, 'update_session_status', { session_id: busy.id, status: 'closed' });
  const assigned = await waitFor(secondSocket, 'agent_assigned', { filter: forSession(waiting.id) });
  assert.equal(assigned.agent.id, agent.agent.id);
  await waitFor(agent.socket, 'new_session_assigned', { filter: forSession(waiting.id) });
});

test('signing a device out through one node closes its socket on another at once; the other device stays', async () => {
  const org = await createOrg(a.api);
  const agent = await createAgent(a.api, org.adminToken, { name: 'Dora' });
  const laptop = await connect(b.url, agent.token);
  const phone = await call(c.api, 'POST', '/api/agents/login', { body: { email: agent.agent.email, password: 'agent-password-1' } }, 200);
  const phoneSocket = await connect(c.url, phone.token);
  const { devices } = await call(a.api, 'GET', `/api/agents/${agent.agent.id}/devices`, { token: org.adminToken });
  assert.equal(devices.length, 2);
  // The admin, on node A, signs the laptop out: its socket lives on node B.
  const seen = await call(b.api, 'GET', `/api/agents/${agent.agent.id}/devices`, { token: agent.token });
  const laptopDevice = seen.devices.find((d) => d.current);
  await call(a.api, 'DELETE', `/api/agents/devices/${laptopDevice.id}`, { token: org.adminToken }, 204);
  await waitUntil(async () => !laptop.connected, { what: 'the laptop socket on node B to close' });
  await call(c.api, 'GET', `/api/agents/${agent.agent.id}`, { token: agent.token }, 401);
  assert.ok(phoneSocket.connected, 'the phone socket on node C stays');
  await emitOk(phoneSocket, 'join_organization', { organization_id: org.organization.id });
});
