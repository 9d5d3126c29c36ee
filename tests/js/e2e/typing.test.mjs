// Scenario 4: typing indicators reach the other side of the conversation; an explicit
// typing_stop is relayed; a typing_start without follow-up expires with a server-sent
// typing_stop after the time to live; a refreshed typing_start keeps it alive. The server runs
// with a short time to live (--typing-ttl-secs) so that nothing waits out the real 6 s.

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
  emitOk,
  emitAck,
  expectNoEvent,
  seen,
  sleep,
  closeAllSockets,
} from './helpers.mjs';

let srv;
let org;
let agent; // {agent, token, socket}
let other; // another agent of the organization, not assigned: not a participant
let client; // {client, token, socket}
let session;

/** The typing indicator's time to live on the test server. */
const TTL_MS = 2000;
/** How much later than the time to live an expiry may arrive. */
const LATE_MS = 3000;
/** How much earlier it may seem to arrive: our clock is not the server's timer. */
const CLOCKS_MS = 100;

before(async () => {
  srv = await startServer({ args: ['--typing-ttl-secs', String(TTL_MS / 1000)] });
  org = await createOrg(srv.api);
  agent = await onlineAgent(srv, org.adminToken, { name: 'Tara Typist' });
  client = await registerClient(srv.api);
  client.socket = await connect(srv.url, client.token);
  session = await openSession(srv.api, client.token, org.organization.id, { message: 'hello' });
  assert.equal(session.agent_id, agent.agent.id);
  // A second agent comes online only after the assignment, so the session is not theirs.
  other = await createAgent(srv.api, org.adminToken, { name: 'Other Agent' });
  other.socket = await connect(srv.url, other.token);
});

after(async () => {
  await closeAllSockets();
  await srv?.stop();
});

const inSession = (p) => p.session_id === session.id;

test('typing_start reaches the other side and expires with a server-sent typing_stop after the time to live', async () => {
  const started = Date.now();
  const ack = await emitAck(client.socket, 'typing_start', { session_id: session.id });
  assert.equal(ack.ok, true, JSON.stringify(ack));
  const got = await waitFor(agent.socket, 'typing_start', { filter: inSession, timeout: 3000 });
  assert.deepEqual(got, {
    session_id: session.id,
    user_id: client.client.id,
    user_type: 'client',
    name: client.client.username,
  });

  const stop = await waitFor(agent.socket, 'typing_stop', { filter: inSession, timeout: TTL_MS + LATE_MS });
  const elapsed = Date.now() - started;
  assert.deepEqual(stop, got, 'the expiry names the same typist');
  assert.ok(elapsed >= TTL_MS - CLOCKS_MS, `expired too early: after ${elapsed} ms`);
  assert.ok(elapsed <= TTL_MS + LATE_MS, `expired too late: after ${elapsed} ms`);

  // The typist's own socket is not told about its own typing.
  assert.deepEqual(seen(client.socket, 'typing_start'), []);
  assert.deepEqual(seen(client.socket, 'typing_stop'), []);
  // A non-participant agent is not told either.
  assert.deepEqual(seen(other.socket, 'typing_start'), []);
});

test('an explicit typing_stop is relayed at once and the expiry does not fire afterwards', async () => {
  await emitOk(agent.socket, 'typing_start', { session_id: session.id });
  const got = await waitFor(client.socket, 'typing_start', { filter: inSession, timeout: 3000 });
  assert.deepEqual(got, {
    session_id: session.id,
    user_id: agent.agent.id,
    user_type: 'agent',
    name: agent.agent.name,
  });
  const before = Date.now();
  await emitOk(agent.socket, 'typing_stop', { session_id: session.id });
  const stop = await waitFor(client.socket, 'typing_stop', { filter: inSession, timeout: 3000 });
  assert.ok(Date.now() - before < TTL_MS / 2, 'typing_stop is relayed at once, not at expiry');
  assert.deepEqual(stop, got);
  // No second typing_stop when the timer of the start runs out.
  await expectNoEvent(client.socket, 'typing_stop', { within: TTL_MS + 1000, filter: inSession });
  assert.deepEqual(seen(agent.socket, 'typing_start', (p) => p.user_id === agent.agent.id), []);
});

test('a refreshed typing_start keeps the indicator alive until the time to live after the last refresh', async () => {
  const startsFromClient = () =>
    seen(agent.socket, 'typing_start', (p) => p.session_id === session.id && p.user_id === client.client.id).length;
  const startsBefore = startsFromClient();
  const t0 = Date.now();
  await emitOk(client.socket, 'typing_start', { session_id: session.id });
  await waitFor(agent.socket, 'typing_start', { filter: inSession, timeout: 3000 });
  // The typist pauses for two thirds of the time to live before typing again: this pause is
  // the scenario, not a wait for anything.
  await sleep((TTL_MS * 2) / 3);
  const refreshedAt = Date.now();
  await emitOk(client.socket, 'typing_start', { session_id: session.id });
  // The refresh is not a new start: no second typing_start, no stop at t0 + TTL.
  const stop = await waitFor(agent.socket, 'typing_stop', { filter: inSession, timeout: TTL_MS + LATE_MS });
  const sinceRefresh = Date.now() - refreshedAt;
  assert.ok(sinceRefresh >= TTL_MS - CLOCKS_MS, `stopped ${sinceRefresh} ms after the refresh (${Date.now() - t0} ms after the first start)`);
  assert.ok(sinceRefresh <= TTL_MS + LATE_MS);
  assert.equal(stop.user_id, client.client.id);
  assert.equal(startsFromClient() - startsBefore, 1, 'the refresh is not relayed as a second typing_start');
});

test('typing in a session one cannot read is refused with not_found', async () => {
  const stranger = await registerClient(srv.api);
  stranger.socket = await connect(srv.url, stranger.token);
  const ack = await emitAck(stranger.socket, 'typing_start', { session_id: session.id });
  assert.equal(ack.ok, false);
  assert.equal(ack.error, 'not_found');
  await expectNoEvent(agent.socket, 'typing_start', { within: 300, filter: (p) => p.user_id === stranger.client.id });
});
