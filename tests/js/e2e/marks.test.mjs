// Scenario 5: delivered and read marks. The agent marks delivered then read; the client gets
// messages_delivered / messages_read with side 'agent' and the seq; marks never move backwards.

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
  emitAck,
  expectNoEvent,
  seen,
  call,
  closeAllSockets,
} from './helpers.mjs';

let srv;
let org;
let agent;
let client;
let session;
let lastSeq;

before(async () => {
  srv = await startServer();
  org = await createOrg(srv.api);
  agent = await onlineAgent(srv, org.adminToken, { name: 'Mark Marker' });
  client = await registerClient(srv.api);
  client.socket = await connect(srv.url, client.token);
  session = await openSession(srv.api, client.token, org.organization.id, { message: 'first' });
  assert.equal(session.agent_id, agent.agent.id);
  for (const content of ['second', 'third', 'fourth']) {
    const { message } = await emitOk(client.socket, 'send_message', { session_id: session.id, content });
    lastSeq = message.seq;
  }
  assert.ok(lastSeq >= 4);
});

after(async () => {
  await closeAllSockets();
  await srv?.stop();
});

const marksOf = (side) => (p) => p.session_id === session.id && p.side === side;

test('the agent marks delivered then read; the client sees side agent with the seq', async () => {
  const d = await emitOk(agent.socket, 'mark_delivered', { session_id: session.id, seq: lastSeq - 1 });
  assert.equal(d.seq, lastSeq - 1);
  assert.equal(d.session_id, session.id);
  const delivered = await waitFor(client.socket, 'messages_delivered', { filter: marksOf('agent') });
  assert.deepEqual(delivered, { session_id: session.id, side: 'agent', seq: lastSeq - 1 });

  const d2 = await emitOk(agent.socket, 'mark_delivered', { session_id: session.id, seq: lastSeq });
  assert.equal(d2.seq, lastSeq);
  assert.deepEqual(await waitFor(client.socket, 'messages_delivered', { filter: marksOf('agent') }), {
    session_id: session.id,
    side: 'agent',
    seq: lastSeq,
  });

  const r = await emitOk(agent.socket, 'mark_read', { session_id: session.id, seq: lastSeq - 2 });
  assert.equal(r.seq, lastSeq - 2);
  assert.deepEqual(await waitFor(client.socket, 'messages_read', { filter: marksOf('agent') }), {
    session_id: session.id,
    side: 'agent',
    seq: lastSeq - 2,
  });
  const r2 = await emitOk(agent.socket, 'mark_read', { session_id: session.id, seq: lastSeq });
  assert.equal(r2.seq, lastSeq);
  assert.deepEqual(await waitFor(client.socket, 'messages_read', { filter: marksOf('agent') }), {
    session_id: session.id,
    side: 'agent',
    seq: lastSeq,
  });
});

test('marks never move backwards: a lower seq acks (and announces) the higher value', async () => {
  // Both marks at the last message (already so after the previous test; idempotent).
  await emitOk(agent.socket, 'mark_read', { session_id: session.id, seq: lastSeq });
  await emitOk(agent.socket, 'mark_delivered', { session_id: session.id, seq: lastSeq });
  const r = await emitOk(agent.socket, 'mark_read', { session_id: session.id, seq: 1 });
  assert.equal(r.seq, lastSeq, 'mark_read with a lower seq keeps the higher one');
  const d = await emitOk(agent.socket, 'mark_delivered', { session_id: session.id, seq: 2 });
  assert.equal(d.seq, lastSeq, 'mark_delivered with a lower seq keeps the higher one');

  // Whatever the client is told never goes below what it was told before.
  await expectNoEvent(client.socket, 'messages_read', { within: 300, filter: (p) => marksOf('agent')(p) && p.seq < lastSeq });
  await expectNoEvent(client.socket, 'messages_delivered', { within: 0, filter: (p) => marksOf('agent')(p) && p.seq < lastSeq });
  for (const ev of ['messages_read', 'messages_delivered']) {
    const seqs = seen(client.socket, ev, marksOf('agent')).map((p) => p.seq);
    assert.deepEqual(seqs, [...seqs].sort((x, y) => x - y), `${ev} went backwards: ${JSON.stringify(seqs)}`);
  }
});

test('the client marks read: the agent sees side client, and the unread count follows', async () => {
  const reply = await emitOk(agent.socket, 'send_message', { session_id: session.id, content: 'an answer' });
  const reply2 = await emitOk(agent.socket, 'send_message', { session_id: session.id, content: 'another answer' });
  await waitFor(client.socket, 'new_message', { filter: (p) => p.message.id === reply2.message.id });

  let list = await call(srv.api, 'GET', '/api/sessions', { token: client.token });
  let mine = list.sessions.find((s) => s.id === session.id);
  assert.ok(mine, 'the session is listed');
  assert.ok(mine.unread_count >= 2, `unread_count ${mine.unread_count} counts the agent's answers`);
  assert.equal(mine.last_message.id, reply2.message.id);
  assert.equal(mine.organization.id, org.organization.id);

  const ack = await emitOk(client.socket, 'mark_read', { session_id: session.id, seq: reply2.message.seq });
  assert.equal(ack.seq, reply2.message.seq);
  const seenByAgent = await waitFor(agent.socket, 'messages_read', { filter: marksOf('client') });
  assert.deepEqual(seenByAgent, { session_id: session.id, side: 'client', seq: reply2.message.seq });

  list = await call(srv.api, 'GET', '/api/sessions', { token: client.token });
  mine = list.sessions.find((s) => s.id === session.id);
  assert.equal(mine.unread_count, 0);
  assert.ok(reply.message.seq < reply2.message.seq);
});

test('a mark beyond the last message, or on a session one cannot read, is refused', async () => {
  const beyond = await emitAck(agent.socket, 'mark_read', { session_id: session.id, seq: 10_000 });
  assert.equal(beyond.ok, false);
  assert.equal(beyond.error, 'validation_failed');
  const stranger = await registerClient(srv.api);
  stranger.socket = await connect(srv.url, stranger.token);
  const heardBefore = seen(agent.socket, 'messages_read').length + seen(client.socket, 'messages_read').length;
  const heardEarlier = new Set([...agent.socket.received, ...client.socket.received].map((e) => e.payload));
  const denied = await emitAck(stranger.socket, 'mark_read', { session_id: session.id, seq: 1 });
  assert.equal(denied.ok, false);
  assert.equal(denied.error, 'not_found');
  // A quiet window: no new messages_read on either side (the ones heard earlier do not count).
  await Promise.all(
    [agent.socket, client.socket].map((s) =>
      expectNoEvent(s, 'messages_read', { within: 300, filter: (p) => !heardEarlier.has(p) }),
    ),
  );
  const heardAfter = seen(agent.socket, 'messages_read').length + seen(client.socket, 'messages_read').length;
  assert.equal(heardAfter, heardBefore, 'a refused mark announces nothing');
});
