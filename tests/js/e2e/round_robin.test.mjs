// Scenario 2: real round robin. Two online agents of capacity 2; four sessions opened in
// sequence (each with a first message) go A, B, A, B, where A is the agent with the smaller id
// (neither was ever assigned). The admin stays offline and is never picked.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer,
  createOrg,
  createAgent,
  onlineAgent,
  registerClient,
  openSession,
  connect,
  waitFor,
  waitOnline,
  emitOk,
  expectNoEvent,
  seen,
  closeAllSockets,
  call,
} from './helpers.mjs';

let srv;

before(async () => {
  srv = await startServer();
});

after(async () => {
  await closeAllSockets();
  await srv?.stop();
});

test('four sessions opened in sequence are assigned A, B, A, B', async () => {
  const org = await createOrg(srv.api);
  const x = await createAgent(srv.api, org.adminToken, { name: 'Agent X', maxConcurrentSessions: 2 });
  const y = await createAgent(srv.api, org.adminToken, { name: 'Agent Y', maxConcurrentSessions: 2 });
  assert.equal(x.agent.max_concurrent_sessions, 2);
  const [a, b] = [x, y].sort((p, q) => (p.agent.id.toLowerCase() < q.agent.id.toLowerCase() ? -1 : 1));
  // Connect the larger id first, so that connection order cannot explain the result.
  b.socket = await connect(srv.url, b.token);
  a.socket = await connect(srv.url, a.token);
  await waitOnline(srv.api, org.adminToken, a.agent.id);
  await waitOnline(srv.api, org.adminToken, b.agent.id);

  const sessions = [];
  for (let i = 0; i < 4; i++) {
    const c = await registerClient(srv.api);
    c.socket = await connect(srv.url, c.token);
    const s = await openSession(srv.api, c.token, org.organization.id, { message: `customer ${i + 1} says hi` });
    const assigned = await waitFor(c.socket, 'agent_assigned', { filter: (p) => p.session_id === s.id });
    sessions.push({ session: s, client: c, assignedTo: assigned.agent.id });
  }

  const expected = [a.agent.id, b.agent.id, a.agent.id, b.agent.id];
  assert.deepEqual(
    sessions.map((s) => s.assignedTo),
    expected,
    `assignment order (a = ${a.agent.id}, b = ${b.agent.id})`,
  );
  assert.deepEqual(sessions.map((s) => s.session.agent_id), expected, 'the REST answer agrees');
  assert.ok(sessions.every((s) => s.session.status === 'active'));

  // Each agent is told about exactly their own two sessions.
  for (const [agent, mine] of [
    [a, [sessions[0], sessions[2]]],
    [b, [sessions[1], sessions[3]]],
  ]) {
    for (const s of mine) {
      const p = await waitFor(agent.socket, 'new_session_assigned', { filter: (q) => q.session_id === s.session.id });
      assert.equal(p.agent_id, agent.agent.id);
      assert.equal(p.client_name, s.client.client.username);
    }
    await expectNoEvent(agent.socket, 'new_session_assigned', { within: 200 });
    const listed = await call(srv.api, 'GET', `/api/agents/${agent.agent.id}/sessions?status=active`, { token: agent.token });
    assert.deepEqual(
      listed.sessions.map((s) => s.id).sort(),
      mine.map((s) => s.session.id).sort(),
      'the agent holds exactly these active sessions',
    );
  }

  // Every agent of the organization heard about every assignment.
  for (const agent of [a, b]) {
    for (const s of sessions) {
      await waitFor(agent.socket, 'agent_assigned', { filter: (p) => p.session_id === s.session.id && p.agent.id === s.assignedTo });
    }
  }

  // The admin has no socket, hence is offline and was never picked.
  assert.ok(sessions.every((s) => s.assignedTo !== org.admin.id));

  // Both agents are now full (2 each): a fifth session waits.
  const c5 = await registerClient(srv.api);
  c5.socket = await connect(srv.url, c5.token);
  const s5 = await openSession(srv.api, c5.token, org.organization.id, { message: 'anyone there?' });
  assert.equal(s5.status, 'waiting');
  assert.equal(s5.agent_id, null);
  const pos = await waitFor(c5.socket, 'queue_position', { filter: (p) => p.session_id === s5.id });
  assert.equal(pos.position, 1);
  assert.deepEqual(seen(c5.socket, 'agent_assigned'), []);
});

test('a session without a first message is not assigned; its first message queues it', async () => {
  const org = await createOrg(srv.api);
  const ag = await onlineAgent(srv, org.adminToken, { name: 'Solo' });
  const c = await registerClient(srv.api);
  c.socket = await connect(srv.url, c.token);

  const s = await openSession(srv.api, c.token, org.organization.id, { subject: 'Just looking' });
  assert.equal(s.status, 'waiting');
  assert.equal(s.agent_id, null);
  await expectNoEvent(ag.socket, 'new_session_assigned', { within: 300 });
  await expectNoEvent(ag.socket, 'new_session', { within: 0 });

  const m = await emitOk(c.socket, 'send_message', { session_id: s.id, content: 'Now I have a question' });
  assert.equal(m.message.seq, 1);
  const ns = await waitFor(ag.socket, 'new_session', { filter: (p) => p.session.id === s.id });
  assert.equal(ns.session.organization_id, org.organization.id);
  const nsa = await waitFor(ag.socket, 'new_session_assigned', { filter: (p) => p.session_id === s.id });
  assert.equal(nsa.agent_id, ag.agent.id);
  const st = await waitFor(c.socket, 'session_status_updated', { filter: (p) => p.session_id === s.id });
  assert.equal(st.status, 'active');
});
