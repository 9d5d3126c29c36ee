// Scenario 7: another organization sees nothing. Org B's agents, connected the whole time,
// receive no event of org A's sessions, and get not_found when reading, joining or writing to
// them.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer,
  createOrg,
  createAgent,
  onlineAgent,
  createVisitor,
  registerClient,
  openSession,
  connect,
  waitFor,
  waitOnline,
  emitOk,
  emitAck,
  expectNoEvents,
  seen,
  call,
  closeAllSockets,
} from './helpers.mjs';

let srv;
let orgA;
let orgB;
let agentA;
let agentB;
let adminBSocket;
let clientA;
let sessionA;

before(async () => {
  srv = await startServer();
  orgA = await createOrg(srv.api, { name: 'Alpha Inc' });
  orgB = await createOrg(srv.api, { name: 'Beta Ltd' });
  // Org B is online and listening before anything happens in org A.
  agentB = await createAgent(srv.api, orgB.adminToken, { name: 'Beta Agent', role: 'supervisor' });
  agentB.socket = await connect(srv.url, agentB.token);
  adminBSocket = await connect(srv.url, orgB.adminToken);
  await waitOnline(srv.api, orgB.adminToken, agentB.agent.id);

  agentA = await onlineAgent(srv, orgA.adminToken, { name: 'Alpha Agent' });
  clientA = await registerClient(srv.api);
  clientA.socket = await connect(srv.url, clientA.token);
});

after(async () => {
  await closeAllSockets();
  await srv?.stop();
});

/** Ids that must never appear in anything org B's sockets receive. */
function orgAIds() {
  return [orgA.organization.id, orgA.admin.id, agentA.agent.id, clientA.client.id, sessionA?.id].filter(Boolean);
}

/** Whether an event's payload names anything of org A. */
function mentionsOrgA(payload) {
  const text = JSON.stringify(payload ?? null);
  return orgAIds().some((id) => text.includes(id));
}

function assertNothingOfOrgA(socket, who) {
  for (const entry of socket.received) {
    const text = JSON.stringify(entry.args);
    for (const id of orgAIds()) {
      assert.ok(!text.includes(id), `${who} received '${entry.event}' about org A: ${text}`);
    }
  }
}

test('org A runs a full conversation while org B listens and hears nothing of it', async () => {
  sessionA = await openSession(srv.api, clientA.token, orgA.organization.id, { subject: 'secret', message: 'Alpha secret 1' });
  assert.equal(sessionA.agent_id, agentA.agent.id);
  await waitFor(agentA.socket, 'new_session_assigned', { filter: (p) => p.session_id === sessionA.id });
  await emitOk(agentA.socket, 'join_organization', { organization_id: orgA.organization.id, session_id: sessionA.id });
  const m = await emitOk(agentA.socket, 'send_message', { session_id: sessionA.id, content: 'Alpha reply' });
  await waitFor(clientA.socket, 'new_message', { filter: (p) => p.message.id === m.message.id });
  await emitOk(clientA.socket, 'join_organization', { session_id: sessionA.id });
  await emitOk(clientA.socket, 'typing_start', { session_id: sessionA.id });
  await waitFor(agentA.socket, 'typing_start', { filter: (p) => p.session_id === sessionA.id });
  await emitOk(clientA.socket, 'typing_stop', { session_id: sessionA.id });
  await emitOk(clientA.socket, 'send_message', { session_id: sessionA.id, content: 'Alpha secret 2' });
  await emitOk(agentA.socket, 'mark_read', { session_id: sessionA.id, seq: m.message.seq });
  await waitFor(clientA.socket, 'messages_read', { filter: (p) => p.session_id === sessionA.id });
  await emitOk(agentA.socket, 'update_agent_status', { status: 'busy' });
  await emitOk(agentA.socket, 'update_agent_status', { status: 'active' });
  // A widget visitor of org A too.
  const visitor = await createVisitor(srv.api, orgA.organization.id, 'Alpha Visitor');
  const vs = await openSession(srv.api, visitor.token, orgA.organization.id, { message: 'visitor secret' });
  await waitFor(agentA.socket, 'new_message', { filter: (p) => p.message.session_id === vs.id });

  // Org B's agents are alive (they hear their own organization)…
  const own = await createAgent(srv.api, orgB.adminToken, { name: 'Beta Newcomer' });
  own.socket = await connect(srv.url, own.token);
  await waitFor(agentB.socket, 'agent_status_updated', { filter: (p) => p.agent_id === own.agent.id });
  await waitFor(adminBSocket, 'agent_status_updated', { filter: (p) => p.agent_id === own.agent.id });

  // …but none of org A's events reached them (a quiet window, then everything heard).
  await Promise.all(
    [agentB.socket, adminBSocket, own.socket].map((s) => expectNoEvents(s, { within: 300, filter: mentionsOrgA })),
  );
  assertNothingOfOrgA(agentB.socket, 'org B supervisor');
  assertNothingOfOrgA(adminBSocket, 'org B admin');
  assertNothingOfOrgA(own.socket, 'org B agent');
  for (const ev of ['new_message', 'new_session', 'agent_assigned', 'typing_start', 'messages_read', 'session_status_updated']) {
    assert.deepEqual(seen(agentB.socket, ev), [], `org B got ${ev}`);
  }
  // Sanity: org A's own agent did hear all this, so silence in org B means isolation.
  assert.ok(seen(agentA.socket, 'new_message', (p) => p.message.session_id === sessionA.id).length >= 3);
  assert.ok(seen(agentA.socket, 'agent_status_updated', (p) => p.agent_id === agentA.agent.id).length >= 2);
});

test("org B's agent gets not_found when reading, joining or writing to org A's session", async () => {
  assert.ok(sessionA, 'the previous test opened the session');
  const before = await emitOk(agentA.socket, 'get_session_history', { session_id: sessionA.id });
  const attempts = [
    ['get_session_history', { session_id: sessionA.id }],
    ['join_organization', { session_id: sessionA.id }],
    ['join_organization', { organization_id: orgB.organization.id, session_id: sessionA.id }],
    ['join_organization', { organization_id: orgA.organization.id }],
    ['send_message', { session_id: sessionA.id, content: 'Beta was here' }],
    ['typing_start', { session_id: sessionA.id }],
    ['mark_read', { session_id: sessionA.id, seq: 1 }],
    ['mark_delivered', { session_id: sessionA.id, seq: 1 }],
    ['assign_agent', { session_id: sessionA.id, agent_id: agentB.agent.id }],
    ['assign_agent', { session_id: sessionA.id, agent_id: agentA.agent.id }],
    ['update_session_status', { session_id: sessionA.id, status: 'closed' }],
    ['update_agent_status', { status: 'inactive', agent_id: agentA.agent.id }],
  ];
  for (const sock of [agentB.socket, adminBSocket]) {
    for (const [event, payload] of attempts) {
      const ack = await emitAck(sock, event, payload);
      assert.equal(ack.ok, false, `${event} ${JSON.stringify(payload)} was allowed: ${JSON.stringify(ack)}`);
      assert.equal(ack.error, 'not_found', `${event} ${JSON.stringify(payload)}: ${JSON.stringify(ack)}`);
      assert.ok(!JSON.stringify(ack).includes('Alpha'), `the refusal leaks org A data: ${JSON.stringify(ack)}`);
    }
  }
  for (const [method, path, body] of [
    ['GET', `/api/sessions/${sessionA.id}`],
    ['GET', `/api/sessions/${sessionA.id}/messages`],
    ['POST', `/api/sessions/${sessionA.id}/messages`, { content: 'Beta via REST' }],
    ['PUT', `/api/sessions/${sessionA.id}/close`],
    ['GET', `/api/agents/${agentA.agent.id}`],
  ]) {
    const res = await srv.api(method, path, { token: agentB.token, body });
    assert.equal(res.status, 404, `${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    assert.equal(res.body.error, 'not_found');
  }

  // Nothing changed in org A, and org A's people heard nothing from org B.
  const after = await emitOk(agentA.socket, 'get_session_history', { session_id: sessionA.id });
  assert.deepEqual(after.messages, before.messages);
  const { session } = await call(srv.api, 'GET', `/api/sessions/${sessionA.id}`, { token: clientA.token });
  assert.equal(session.status, 'active');
  assert.equal(session.agent_id, agentA.agent.id);
  const { agent } = await call(srv.api, 'GET', `/api/agents/${agentA.agent.id}`, { token: orgA.adminToken });
  assert.equal(agent.status, 'active');
  // A quiet window: nothing of org B reaches org A's sockets; then everything heard is checked.
  const mentionsOrgB = (p) => {
    const text = JSON.stringify(p ?? null);
    return text.includes('Beta') || text.includes(agentB.agent.id);
  };
  await Promise.all([clientA.socket, agentA.socket].map((s) => expectNoEvents(s, { within: 200, filter: mentionsOrgB })));
  for (const sock of [clientA.socket, agentA.socket]) {
    for (const entry of sock.received) {
      const text = JSON.stringify(entry.args);
      assert.ok(!text.includes('Beta'), `org A received '${entry.event}' from org B: ${text}`);
      assert.ok(!text.includes(agentB.agent.id), `org A received '${entry.event}' naming org B's agent: ${text}`);
    }
  }
  // Org B's sockets still heard nothing of org A, even after trying.
  assertNothingOfOrgA(agentB.socket, 'org B supervisor');
  assertNothingOfOrgA(adminBSocket, 'org B admin');
});
