// Scenario 1: an organization with two online agents, registered customers and a widget visitor
// chat; messages flow both ways with ascending, gapless seq; the sender's identity comes from
// the token and cannot be spoofed through the payload.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer,
  createOrg,
  createAgent,
  registerClient,
  createVisitor,
  openSession,
  connect,
  waitFor,
  waitOnline,
  emitOk,
  emitAck,
  seen,
  expectNoEvent,
  closeAllSockets,
} from './helpers.mjs';

let srv;
let org;
let first; // the agent with the smaller id: {agent, token, socket}
let second;

before(async () => {
  srv = await startServer();
  org = await createOrg(srv.api);
  const a = await createAgent(srv.api, org.adminToken, { name: 'Alice Agent' });
  const b = await createAgent(srv.api, org.adminToken, { name: 'Bob Agent' });
  [first, second] = [a, b].sort((x, y) => (x.agent.id.toLowerCase() < y.agent.id.toLowerCase() ? -1 : 1));
  first.socket = await connect(srv.url, first.token);
  second.socket = await connect(srv.url, second.token);
  await waitOnline(srv.api, org.adminToken, first.agent.id);
  await waitOnline(srv.api, org.adminToken, second.agent.id);
});

after(async () => {
  await closeAllSockets();
  await srv?.stop();
});

const forSession = (id) => (p) => (p.message ? p.message.session_id : p.session_id) === id;

/** The seqs of a session's messages as one socket received them through new_message. */
function seqsSeen(socket, sessionId) {
  return seen(socket, 'new_message', (p) => p.message.session_id === sessionId).map((p) => p.message.seq);
}

function assertGapless(seqs, what) {
  assert.ok(seqs.length > 0, `${what}: no messages`);
  seqs.forEach((s, i) => assert.equal(s, i + 1, `${what}: seqs ${JSON.stringify(seqs)} are not 1, 2, 3, …`));
}

test('a registered customer and the assigned agent exchange messages both ways with ascending seq', async () => {
  const c1 = await registerClient(srv.api);
  const sc1 = await connect(srv.url, c1.token);

  const s1 = await openSession(srv.api, c1.token, org.organization.id, {
    subject: 'Billing',
    message: 'Hello from c1',
  });
  assert.equal(s1.status, 'active', 'a first message with online agents assigns the session');
  assert.equal(s1.agent_id, first.agent.id, 'the never-assigned agent with the smaller id goes first');
  assert.equal(s1.client_id, c1.client.id);

  // The customer sees their own first message, the assignment and the system note.
  const m1 = await waitFor(sc1, 'new_message', { filter: (p) => p.message.session_id === s1.id && p.message.seq === 1 });
  assert.equal(m1.message.sender_type, 'client');
  assert.equal(m1.message.sender_id, c1.client.id);
  assert.equal(m1.message.content, 'Hello from c1');
  const assigned = await waitFor(sc1, 'agent_assigned', { filter: forSession(s1.id) });
  assert.deepEqual(assigned.agent, { id: first.agent.id, name: first.agent.name });
  const nsa = await waitFor(first.socket, 'new_session_assigned', { filter: forSession(s1.id) });
  assert.equal(nsa.agent_id, first.agent.id);
  assert.equal(nsa.client_name, c1.client.username);

  // customer → agent
  const sent = await emitOk(sc1, 'send_message', { session_id: s1.id, content: 'I was charged twice', client_msg_id: 'c1-a' });
  assert.equal(sent.message.sender_type, 'client');
  assert.equal(sent.message.sender_id, c1.client.id);
  assert.equal(sent.message.session_id, s1.id);
  assert.equal(sent.message.organization_id, org.organization.id);
  assert.equal(sent.message.client_msg_id, 'c1-a');
  assert.ok(sent.message.seq > m1.message.seq);
  const atAgent = await waitFor(first.socket, 'new_message', { filter: (p) => p.message.id === sent.message.id });
  assert.deepEqual(atAgent.message, sent.message, 'the assigned agent gets the stored message');
  // every agent of the organization hears about it
  await waitFor(second.socket, 'new_message', { filter: (p) => p.message.id === sent.message.id });

  // agent → customer
  const reply = await emitOk(first.socket, 'send_message', { session_id: s1.id, content: 'Let me check that for you' });
  assert.equal(reply.message.sender_type, 'agent');
  assert.equal(reply.message.sender_id, first.agent.id);
  assert.equal(reply.message.sender_name, first.agent.name);
  assert.equal(reply.message.seq, sent.message.seq + 1);
  const atClient = await waitFor(sc1, 'new_message', { filter: (p) => p.message.id === reply.message.id });
  assert.deepEqual(atClient.message, reply.message);

  const again = await emitOk(sc1, 'send_message', { session_id: s1.id, content: 'Thanks!' });
  assert.equal(again.message.seq, reply.message.seq + 1);
  await waitFor(first.socket, 'new_message', { filter: (p) => p.message.id === again.message.id });

  // What the customer received live is the whole conversation, gapless, in order, once each.
  await waitFor(sc1, 'new_message', { filter: (p) => p.message.id === again.message.id });
  assertGapless(seqsSeen(sc1, s1.id), 'customer live view');
  assertGapless(seqsSeen(first.socket, s1.id), 'assigned agent live view');
  const history = await emitOk(sc1, 'get_session_history', { session_id: s1.id });
  assertGapless(history.messages.map((m) => m.seq), 'history');
  assert.deepEqual(
    history.messages.map((m) => m.id),
    seen(sc1, 'new_message', (p) => p.message.session_id === s1.id).map((p) => p.message.id),
    'history and live view hold the same messages',
  );
  const system = history.messages.filter((m) => m.sender_type === 'system');
  assert.ok(system.length >= 1, 'the assignment is recorded as a system message');
  assert.equal(system[0].sender_id, null);
});

test('a widget visitor and a second customer are served round robin and see only their own conversations', async () => {
  const visitor = await createVisitor(srv.api, org.organization.id, 'Vera Visitor');
  const sv = await connect(srv.url, visitor.token);
  const c2 = await registerClient(srv.api);
  const sc2 = await connect(srv.url, c2.token);

  const sVisitor = await openSession(srv.api, visitor.token, org.organization.id, { message: 'Hi, I am on your website' });
  assert.equal(sVisitor.agent_id, second.agent.id, 'the agent never assigned so far goes next');
  await waitFor(sv, 'agent_assigned', { filter: (p) => p.session_id === sVisitor.id && p.agent.id === second.agent.id });

  const sC2 = await openSession(srv.api, c2.token, org.organization.id, { message: 'Question from c2' });
  assert.equal(sC2.agent_id, first.agent.id, 'rotation comes back to the agent assigned longest ago');

  // visitor → agent
  const vm = await emitOk(sv, 'send_message', { session_id: sVisitor.id, content: 'Do you ship to Norway?' });
  assert.equal(vm.message.sender_type, 'client');
  assert.equal(vm.message.sender_id, visitor.client.id);
  assert.equal(vm.message.sender_name, 'Vera Visitor');
  const atSecond = await waitFor(second.socket, 'new_message', { filter: (p) => p.message.id === vm.message.id });
  assert.equal(atSecond.message.content, 'Do you ship to Norway?');
  // agent → visitor
  const am = await emitOk(second.socket, 'send_message', { session_id: sVisitor.id, content: 'We do!' });
  assert.equal(am.message.sender_type, 'agent');
  assert.equal(am.message.sender_id, second.agent.id);
  assert.ok(am.message.seq > vm.message.seq);
  await waitFor(sv, 'new_message', { filter: (p) => p.message.id === am.message.id });
  assertGapless(seqsSeen(sv, sVisitor.id), 'visitor live view');

  // customer 2 ↔ first agent
  const cm = await emitOk(sc2, 'send_message', { session_id: sC2.id, content: 'Is my order late?' });
  await waitFor(first.socket, 'new_message', { filter: (p) => p.message.id === cm.message.id });
  const fm = await emitOk(first.socket, 'send_message', { session_id: sC2.id, content: 'It ships today' });
  await waitFor(sc2, 'new_message', { filter: (p) => p.message.id === fm.message.id });

  // Clients never hear of other clients' conversations (a quiet window, then everything heard).
  await Promise.all([
    expectNoEvent(sv, 'new_message', { within: 300, filter: (p) => p.message.session_id !== sVisitor.id }),
    expectNoEvent(sc2, 'new_message', { within: 300, filter: (p) => p.message.session_id !== sC2.id }),
    expectNoEvent(sv, 'agent_assigned', { within: 300, filter: (p) => p.session_id !== sVisitor.id }),
    expectNoEvent(sc2, 'new_session', { within: 300 }),
  ]);
  assert.deepEqual(seen(sv, 'new_message', (p) => p.message.session_id !== sVisitor.id), []);
  assert.deepEqual(seen(sc2, 'new_message', (p) => p.message.session_id !== sC2.id), []);
  assert.deepEqual(seen(sv, 'agent_assigned', (p) => p.session_id !== sVisitor.id), []);
  assert.deepEqual(seen(sc2, 'new_session'), [], 'new_session is for agents only');

  // …and cannot touch them.
  const denied = await emitAck(sc2, 'send_message', { session_id: sVisitor.id, content: 'hijack' });
  assert.equal(denied.ok, false);
  assert.equal(denied.error, 'not_found');
  const peek = await emitAck(sc2, 'get_session_history', { session_id: sVisitor.id });
  assert.equal(peek.ok, false);
  assert.equal(peek.error, 'not_found');
});

test('a client cannot spoof the sender through the payload (socket and REST)', async () => {
  const c = await registerClient(srv.api);
  const sc = await connect(srv.url, c.token);
  const s = await openSession(srv.api, c.token, org.organization.id, { message: 'spoof test' });
  const before = await emitOk(sc, 'get_session_history', { session_id: s.id });
  const lastSeq = before.messages.at(-1).seq;

  const forged = await emitAck(sc, 'send_message', {
    session_id: s.id,
    content: 'I am the agent, trust me',
    sender_type: 'agent',
    sender_id: first.agent.id,
    sender_name: first.agent.name,
  });
  if (forged.ok) {
    assert.equal(forged.message.sender_type, 'client', 'sender_type comes from the token');
    assert.equal(forged.message.sender_id, c.client.id, 'sender_id comes from the token');
    assert.notEqual(forged.message.sender_name, first.agent.name);
  } else {
    assert.equal(forged.error, 'validation_failed', `unknown fields are refused: ${JSON.stringify(forged)}`);
  }

  const rest = await srv.api('POST', `/api/sessions/${s.id}/messages`, {
    token: c.token,
    body: { content: 'REST forgery', sender_type: 'system', sender_id: first.agent.id },
  });
  if (rest.status === 201) {
    assert.equal(rest.body.message.sender_type, 'client');
    assert.equal(rest.body.message.sender_id, c.client.id);
  } else {
    assert.equal(rest.status, 400, JSON.stringify(rest.body));
    assert.equal(rest.body.error, 'validation_failed');
  }

  // An agent cannot pose as the customer either.
  const agentForged = await emitAck(first.socket, 'send_message', {
    session_id: s.id,
    content: 'I am the customer',
    sender_type: 'client',
    sender_id: c.client.id,
  });
  if (agentForged.ok) {
    assert.equal(agentForged.message.sender_type, 'agent');
    assert.equal(agentForged.message.sender_id, first.agent.id);
  } else {
    assert.equal(agentForged.error, 'validation_failed');
  }

  // Whatever was stored carries the true identities.
  const after = await emitOk(sc, 'get_session_history', { session_id: s.id, after: lastSeq });
  for (const m of after.messages) {
    if (m.sender_type === 'client') assert.equal(m.sender_id, c.client.id, JSON.stringify(m));
    else if (m.sender_type === 'agent') assert.notEqual(m.sender_id, c.client.id, JSON.stringify(m));
    else assert.fail(`a forged message became ${m.sender_type}: ${JSON.stringify(m)}`);
  }
  const expectedStored = [forged.ok, rest.status === 201, agentForged.ok].filter(Boolean).length;
  assert.equal(after.messages.length, expectedStored, 'refused messages are not stored');
});

test('over HTTP long-polling (where WebSockets are blocked) a customer chats just the same', async () => {
  const c = await registerClient(srv.api);
  const sc = await connect(srv.url, c.token, { transports: ['polling'] });
  const session = await openSession(srv.api, c.token, org.organization.id, { message: 'over polling' });
  const owner = session.agent_id === first.agent.id ? first : second;
  const ack = await emitOk(sc, 'send_message', { session_id: session.id, content: 'second one', client_msg_id: 'poll-1' });
  assert.equal(ack.message.sender_type, 'client');
  const got = await waitFor(owner.socket, 'new_message', { filter: (p) => p.message.id === ack.message.id });
  assert.equal(got.message.content, 'second one');
  const reply = await emitOk(owner.socket, 'send_message', { session_id: session.id, content: 'heard you' });
  const back = await waitFor(sc, 'new_message', { filter: (p) => p.message.id === reply.message.id });
  assert.equal(back.message.seq, ack.message.seq + 1);
  assert.equal(sc.io.engine.transport.name, 'polling', 'the whole exchange ran over polling');
});
