// Scenario 3: the queue fills when every agent is at capacity and drains in FIFO order when
// capacity appears (a session closes, an agent comes online, capacity is raised, an agent is
// active again). Waiting clients get queue_position updates.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer,
  createOrg,
  createAgent,
  registerClient,
  openSession,
  connect,
  waitFor,
  waitOnline,
  emitOk,
  expectNoEvent,
  seen,
  call,
  closeSocket,
  closeAllSockets,
} from './helpers.mjs';

let srv;

before(async () => {
  srv = await startServer();
});

after(async () => {
  await closeAllSockets();
  await srv?.stop();
});

async function customer() {
  const c = await registerClient(srv.api);
  c.socket = await connect(srv.url, c.token);
  return c;
}

async function sessionStatus(c, sessionId) {
  const { session } = await call(srv.api, 'GET', `/api/sessions/${sessionId}`, { token: c.token });
  return session;
}

test('the queue fills when both agents are at capacity 1 and drains oldest first', async () => {
  const org = await createOrg(srv.api);
  const a = await createAgent(srv.api, org.adminToken, { name: 'Agent A' });
  const b = await createAgent(srv.api, org.adminToken, { name: 'Agent B' });
  for (const ag of [a, b]) {
    const { agent } = await call(srv.api, 'PUT', `/api/agents/${ag.agent.id}`, {
      token: org.adminToken,
      body: { max_concurrent_sessions: 1 },
    });
    assert.equal(agent.max_concurrent_sessions, 1);
    ag.socket = await connect(srv.url, ag.token);
    await waitOnline(srv.api, org.adminToken, ag.agent.id);
  }

  const [c1, c2, c3, c4] = [await customer(), await customer(), await customer(), await customer()];
  const s1 = await openSession(srv.api, c1.token, org.organization.id, { message: 'one' });
  const s2 = await openSession(srv.api, c2.token, org.organization.id, { message: 'two' });
  assert.equal(s1.status, 'active');
  assert.equal(s2.status, 'active');
  assert.deepEqual(new Set([s1.agent_id, s2.agent_id]), new Set([a.agent.id, b.agent.id]), 'one each');

  const s3 = await openSession(srv.api, c3.token, org.organization.id, { message: 'three' });
  assert.equal(s3.status, 'waiting');
  assert.equal(s3.agent_id, null);
  const p3 = await waitFor(c3.socket, 'queue_position', { filter: (p) => p.session_id === s3.id });
  assert.equal(p3.position, 1);

  const s4 = await openSession(srv.api, c4.token, org.organization.id, { message: 'four' });
  assert.equal(s4.status, 'waiting');
  const p4 = await waitFor(c4.socket, 'queue_position', { filter: (p) => p.session_id === s4.id });
  assert.equal(p4.position, 2, 'the fourth session waits behind the third');

  // Agents see the waiting sessions.
  for (const ag of [a, b]) {
    await waitFor(ag.socket, 'new_session', { filter: (p) => p.session.id === s3.id });
    await waitFor(ag.socket, 'new_session', { filter: (p) => p.session.id === s4.id });
  }
  const waiting = await call(srv.api, 'GET', `/api/sessions/organization/${org.organization.id}/waiting`, { token: org.adminToken });
  assert.deepEqual(waiting.sessions.map((s) => s.id), [s3.id, s4.id], 'FIFO order of the queue');

  // Nobody got assigned meanwhile.
  assert.deepEqual(seen(c3.socket, 'agent_assigned'), []);
  assert.deepEqual(seen(c4.socket, 'agent_assigned'), []);

  // Closing s1 frees its agent, who takes the oldest waiting session (s3).
  const freed = s1.agent_id;
  const closed = await call(srv.api, 'PUT', `/api/sessions/${s1.id}/close`, { token: c1.token });
  assert.equal(closed.session.status, 'closed');
  assert.ok(closed.session.closed_at);
  const st1 = await waitFor(c1.socket, 'session_status_updated', { filter: (p) => p.session_id === s1.id && p.status === 'closed' });
  assert.equal(st1.status, 'closed');

  const got3 = await waitFor(c3.socket, 'agent_assigned', { filter: (p) => p.session_id === s3.id });
  assert.equal(got3.agent.id, freed);
  const nsa = await waitFor(freed === a.agent.id ? a.socket : b.socket, 'new_session_assigned', {
    filter: (p) => p.session_id === s3.id,
  });
  assert.equal(nsa.agent_id, freed);
  assert.equal((await sessionStatus(c3, s3.id)).status, 'active');

  const moved = await waitFor(c4.socket, 'queue_position', { filter: (p) => p.session_id === s4.id && p.position === 1 });
  assert.equal(moved.position, 1, 'the other waiting client moves up');
  assert.equal((await sessionStatus(c4, s4.id)).status, 'waiting');
  assert.deepEqual(seen(c4.socket, 'agent_assigned'), [], 'the fourth session still waits');

  // Closing s2 assigns s4.
  const freed2 = s2.agent_id;
  await call(srv.api, 'PUT', `/api/sessions/${s2.id}/close`, { token: freed2 === a.agent.id ? a.token : b.token });
  const got4 = await waitFor(c4.socket, 'agent_assigned', { filter: (p) => p.session_id === s4.id });
  assert.equal(got4.agent.id, freed2);
  const empty = await call(srv.api, 'GET', `/api/sessions/organization/${org.organization.id}/waiting`, { token: org.adminToken });
  assert.deepEqual(empty.sessions, []);

  // A closed session refuses messages.
  const refused = await srv.api('POST', `/api/sessions/${s1.id}/messages`, { token: c1.token, body: { content: 'hello?' } });
  assert.equal(refused.status, 409);
  assert.equal(refused.body.error, 'session_closed');
});

test('capacity appearing in other ways drains the queue: agent connects, capacity raised, status active again', async () => {
  const org = await createOrg(srv.api);
  const a = await createAgent(srv.api, org.adminToken, { name: 'Agent Late', maxConcurrentSessions: 1 });

  // Nobody online: the session waits.
  const c1 = await customer();
  const s1 = await openSession(srv.api, c1.token, org.organization.id, { message: 'hello?' });
  assert.equal(s1.status, 'waiting');
  assert.equal((await waitFor(c1.socket, 'queue_position', { filter: (p) => p.session_id === s1.id })).position, 1);

  // The agent comes online: the waiting session is assigned to them.
  a.socket = await connect(srv.url, a.token);
  const got1 = await waitFor(c1.socket, 'agent_assigned', { filter: (p) => p.session_id === s1.id });
  assert.equal(got1.agent.id, a.agent.id);
  await waitFor(a.socket, 'new_session_assigned', { filter: (p) => p.session_id === s1.id });

  // At capacity 1: the next one waits; raising capacity assigns it.
  const c2 = await customer();
  const s2 = await openSession(srv.api, c2.token, org.organization.id, { message: 'me too' });
  assert.equal(s2.status, 'waiting');
  assert.equal((await waitFor(c2.socket, 'queue_position', { filter: (p) => p.session_id === s2.id })).position, 1);
  await call(srv.api, 'PUT', `/api/agents/${a.agent.id}`, { token: org.adminToken, body: { max_concurrent_sessions: 3 } });
  const got2 = await waitFor(c2.socket, 'agent_assigned', { filter: (p) => p.session_id === s2.id });
  assert.equal(got2.agent.id, a.agent.id);

  // Busy: nothing is assigned; back to active: the waiting session is.
  const busy = await emitOk(a.socket, 'update_agent_status', { status: 'busy' });
  assert.equal(busy.agent.status, 'busy');
  const c3 = await customer();
  const s3 = await openSession(srv.api, c3.token, org.organization.id, { message: 'third' });
  assert.equal(s3.status, 'waiting', 'a busy agent takes nothing');
  assert.equal((await waitFor(c3.socket, 'queue_position', { filter: (p) => p.session_id === s3.id })).position, 1);
  await expectNoEvent(c3.socket, 'agent_assigned', { within: 300 });
  await emitOk(a.socket, 'update_agent_status', { status: 'active' });
  const got3 = await waitFor(c3.socket, 'agent_assigned', { filter: (p) => p.session_id === s3.id });
  assert.equal(got3.agent.id, a.agent.id);

  // Offline (socket closed): nothing is assigned.
  await closeSocket(a.socket);
  await waitOnline(srv.api, org.adminToken, a.agent.id, false);
  const c4 = await customer();
  const s4 = await openSession(srv.api, c4.token, org.organization.id, { message: 'fourth' });
  assert.equal(s4.status, 'waiting', 'an agent without a connected socket takes nothing');
});
