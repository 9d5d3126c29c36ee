// Scenario 6: no gaps, no duplicates. A client that disconnects while messages are sent
// reconnects with a new socket and recovers exactly the missed ones with
// get_session_history {after: last_seq}; resending an unacknowledged message with its
// client_msg_id returns the stored one and broadcasts nothing new.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer,
  createOrg,
  onlineAgent,
  registerClient,
  openSession,
  connect,
  waitFor,
  emitOk,
  expectNoEvent,
  seen,
  closeSocket,
  closeAllSockets,
  call,
} from './helpers.mjs';

let srv;
let org;
let agent;
let client;

before(async () => {
  srv = await startServer();
  org = await createOrg(srv.api);
  agent = await onlineAgent(srv, org.adminToken, { name: 'Rita Reliable' });
  client = await registerClient(srv.api);
});

after(async () => {
  await closeAllSockets();
  await srv?.stop();
});

test('a reconnecting client recovers exactly the missed messages, and a resend is deduplicated', async () => {
  const s1 = await connect(srv.url, client.token);
  const session = await openSession(srv.api, client.token, org.organization.id, { message: 'hello' });
  assert.equal(session.agent_id, agent.agent.id);
  const greeting = await emitOk(agent.socket, 'send_message', { session_id: session.id, content: 'Hi, how can I help?' });
  await waitFor(s1, 'new_message', { filter: (p) => p.message.id === greeting.message.id });

  // What the client has seen so far, gapless.
  const seenBefore = seen(s1, 'new_message', (p) => p.message.session_id === session.id).map((p) => p.message.seq);
  assert.deepEqual(seenBefore, seenBefore.map((_, i) => i + 1));
  const lastSeq = seenBefore.at(-1);
  assert.equal(lastSeq, greeting.message.seq);

  // The client sends a message whose ack it will never see (emitted without ack, then the
  // connection goes away); the server stores it all the same.
  const clientMsgId = `cm-${Date.now()}`;
  s1.emit('send_message', { session_id: session.id, content: 'my order number is 42', client_msg_id: clientMsgId });
  const stored = await waitFor(agent.socket, 'new_message', { filter: (p) => p.message.client_msg_id === clientMsgId });
  assert.equal(stored.message.sender_type, 'client');
  assert.equal(stored.message.sender_id, client.client.id);
  await closeSocket(s1);
  assert.equal(s1.connected, false);

  // While the client is away, the agent writes three messages.
  const missed = [stored.message];
  for (const content of ['Thanks', 'Looking it up', 'Found it: it ships tomorrow']) {
    const { message } = await emitOk(agent.socket, 'send_message', { session_id: session.id, content });
    missed.push(message);
  }
  assert.deepEqual(
    missed.map((m) => m.seq),
    [lastSeq + 1, lastSeq + 2, lastSeq + 3, lastSeq + 4],
    'seq is gapless across senders',
  );

  // A new socket fills the gap from history.
  const s2 = await connect(srv.url, client.token);
  const page = await emitOk(s2, 'get_session_history', { session_id: session.id, after: lastSeq });
  assert.equal(page.has_more, false);
  assert.deepEqual(page.messages.map((m) => m.seq), missed.map((m) => m.seq), 'exactly the missed seqs, in order');
  assert.deepEqual(page.messages.map((m) => m.id), missed.map((m) => m.id), 'exactly the missed messages');
  assert.deepEqual(page.messages, missed, 'stored as broadcast');
  const event = await waitFor(s2, 'session_history', { filter: (p) => p.session_id === session.id });
  assert.deepEqual(event, { session_id: session.id, messages: page.messages, has_more: false });

  // Paging through the same window in pieces gives the same result, without overlap.
  const p1 = await emitOk(s2, 'get_session_history', { session_id: session.id, after: lastSeq, limit: 3 });
  assert.equal(p1.has_more, true);
  assert.equal(p1.messages.length, 3);
  const p2 = await emitOk(s2, 'get_session_history', { session_id: session.id, after: p1.messages.at(-1).seq, limit: 3 });
  assert.equal(p2.has_more, false);
  assert.deepEqual([...p1.messages, ...p2.messages].map((m) => m.id), missed.map((m) => m.id));

  // Resending the unacknowledged message with its client_msg_id returns the stored one…
  const resent = await emitOk(s2, 'send_message', {
    session_id: session.id,
    content: 'my order number is 42',
    client_msg_id: clientMsgId,
  });
  assert.equal(resent.message.id, stored.message.id, 'same id');
  assert.equal(resent.message.seq, stored.message.seq, 'same seq');
  assert.deepEqual(resent.message, stored.message);
  // …and broadcasts nothing new.
  await expectNoEvent(agent.socket, 'new_message', { within: 500, filter: (p) => p.message.client_msg_id === clientMsgId });
  await expectNoEvent(s2, 'new_message', { within: 0, filter: (p) => p.message.client_msg_id === clientMsgId });
  assert.equal(seen(agent.socket, 'new_message', (p) => p.message.client_msg_id === clientMsgId).length, 1);

  // The whole conversation has each message once, gapless.
  const all = await call(srv.api, 'GET', `/api/sessions/${session.id}/messages?limit=200`, { token: client.token });
  assert.deepEqual(all.messages.map((m) => m.seq), all.messages.map((_, i) => i + 1));
  assert.equal(all.messages.filter((m) => m.client_msg_id === clientMsgId).length, 1, 'no duplicate');

  // Live delivery resumes on the new socket with the next seq.
  const next = await emitOk(agent.socket, 'send_message', { session_id: session.id, content: 'Anything else?' });
  const live = await waitFor(s2, 'new_message', { filter: (p) => p.message.id === next.message.id });
  assert.equal(live.message.seq, missed.at(-1).seq + 1);
});

test('a resend through REST with the same client_msg_id is deduplicated too', async () => {
  const sock = await connect(srv.url, client.token);
  const session = await openSession(srv.api, client.token, org.organization.id, { message: 'second conversation' });
  const first = await call(srv.api, 'POST', `/api/sessions/${session.id}/messages`, {
    token: client.token,
    body: { content: 'idempotent', client_msg_id: 'rest-1' },
  });
  const second = await call(srv.api, 'POST', `/api/sessions/${session.id}/messages`, {
    token: client.token,
    body: { content: 'idempotent', client_msg_id: 'rest-1' },
  });
  assert.equal(second.message.id, first.message.id);
  assert.equal(second.message.seq, first.message.seq);
  const viaSocket = await emitOk(sock, 'send_message', { session_id: session.id, content: 'idempotent', client_msg_id: 'rest-1' });
  assert.equal(viaSocket.message.id, first.message.id);
  // The agent heard of the message once, not once per resend.
  await waitFor(agent.socket, 'new_message', { filter: (p) => p.message.id === first.message.id });
  await expectNoEvent(agent.socket, 'new_message', { within: 300, filter: (p) => p.message.client_msg_id === 'rest-1' });
});
