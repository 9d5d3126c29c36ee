// Scenario 8: the handshake. A missing, invalid, expired or revoked token is refused at connect
// with connect_error 'unauthorized'; valid agent and client tokens connect. Also: events the
// official client buffers before 'connect' must be answered.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import {
  startServer,
  createOrg,
  createAgent,
  registerClient,
  createVisitor,
  openSession,
  socketFor,
  connect,
  emitAck,
  closeSocket,
  closeAllSockets,
  call,
  sleep,
} from './helpers.mjs';

const SECRET = 'e2e-known-jwt-secret-0123456789abcdef';
let srv;
let org;

before(async () => {
  // A known secret lets the test forge tokens that are well signed but expired.
  srv = await startServer({ env: { RAASEL_JWT_SECRET: SECRET } });
  org = await createOrg(srv.api);
});

after(async () => {
  await closeAllSockets();
  await srv?.stop();
});

/** Resolves with the connect_error (or throws if the socket connects). */
async function refusal(opts, token) {
  const socket = socketFor(srv.url, token, opts);
  try {
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('neither connect nor connect_error within 5000 ms')), 5000);
      socket.on('connect', () => {
        clearTimeout(timer);
        reject(new Error('the socket was accepted'));
      });
      socket.on('connect_error', (err) => {
        clearTimeout(timer);
        resolve(err);
      });
    });
  } finally {
    await closeSocket(socket);
  }
}

const b64url = (obj) => Buffer.from(JSON.stringify(obj)).toString('base64url');

function sign(header, claims, secret = SECRET) {
  const body = `${b64url(header)}.${b64url(claims)}`;
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}

function claimsOf(token) {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
}

test('connect_error "unauthorized" without a token or with a bad one', async (t) => {
  const c = await registerClient(srv.api);
  const claims = claimsOf(c.token);
  const now = Math.floor(Date.now() / 1000);
  const cases = [
    ['no auth at all', { auth: undefined }, undefined],
    ['auth without token', { auth: {} }, undefined],
    ['empty token', {}, ''],
    ['garbage token', {}, 'not-a-jwt'],
    ['token is not a string', { auth: { token: 12345 } }, undefined],
    ['tampered signature', {}, c.token.slice(0, -4) + (c.token.endsWith('AAAA') ? 'BBBB' : 'AAAA')],
    ['signed with another secret', {}, sign({ alg: 'HS256', typ: 'JWT' }, claims, 'some-other-secret')],
    ['alg none', {}, `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(claims)}.`],
    ['expired', {}, sign({ alg: 'HS256', typ: 'JWT' }, { ...claims, iat: now - 7200, exp: now - 3600 })],
    ['unknown subject', {}, sign({ alg: 'HS256', typ: 'JWT' }, { ...claims, sub: '0190f5e4-0000-7000-8000-000000000000' })],
    ['stale token version', {}, sign({ alg: 'HS256', typ: 'JWT' }, { ...claims, ver: claims.ver + 1 })],
    ['the operator token', {}, 'op'],
  ];
  for (const [name, opts, token] of cases) {
    await t.test(name, async () => {
      const err = await refusal(opts, token);
      assert.equal(err.message, 'unauthorized');
    });
  }

  // Control: the same forging machinery with valid claims is accepted, so the refusals above
  // are about expiry and signatures, not about a mistake in the forging.
  const forgedOk = sign({ alg: 'HS256', typ: 'JWT' }, { ...claims, iat: now, exp: now + 600 });
  const ok = await connect(srv.url, forgedOk);
  assert.equal(ok.connected, true);
  await closeSocket(ok);
});

test('valid agent, client and visitor tokens connect; a revoked agent token is refused', async () => {
  const agent = await createAgent(srv.api, org.adminToken, { name: 'Valid Agent' });
  const client = await registerClient(srv.api);
  const visitor = await createVisitor(srv.api, org.organization.id);
  for (const token of [org.adminToken, agent.token, client.token, visitor.token]) {
    const s = await connect(srv.url, token);
    assert.equal(s.connected, true);
    await closeSocket(s);
  }

  // Revoking the agent's tokens (a password change) ends their open socket: at once, or at the
  // latest at its next event, which is refused as unauthorized. Never is it served again.
  const open = await connect(srv.url, agent.token);
  const closed = new Promise((resolve) => open.once('disconnect', resolve));
  await call(srv.api, 'PUT', `/api/agents/${agent.agent.id}/password`, {
    token: org.adminToken,
    body: { new_password: 'a-brand-new-password-2' },
  });
  if (open.connected) {
    let ack;
    try {
      ack = await open.timeout(3000).emitWithAck('join_organization', {});
    } catch (e) {
      assert.equal(open.connected, false, `the revoked socket neither answered nor was closed (${e.message})`);
    }
    if (ack) {
      assert.equal(ack.ok, false, `a revoked token was served: ${JSON.stringify(ack)}`);
      assert.equal(ack.error, 'unauthorized');
    }
  }
  const reason = await Promise.race([closed, sleep(5000).then(() => 'still connected after 5 s')]);
  assert.equal(reason, 'io server disconnect', 'the server closes the revoked socket');
  // New connections with the old token are refused; the new password's token connects.
  const err = await refusal({}, agent.token);
  assert.equal(err.message, 'unauthorized');
  const relogin = await call(srv.api, 'POST', '/api/agents/login', {
    body: { email: agent.agent.email, password: 'a-brand-new-password-2' },
  });
  const fresh = await connect(srv.url, relogin.token);
  assert.equal(fresh.connected, true);
  await closeSocket(fresh);
  await closeSocket(open);
});

test('events emitted before "connect" (buffered by socket.io-client) are all answered', async () => {
  // socket.io-client buffers emits made before the connection and sends them right after the
  // server's CONNECT packet. The server must have its handlers in place by then. The race
  // between CONNECT and handler registration is short, so many short-lived sockets are opened
  // (25 at a time, up to 3,000) and the test stops at the first event left unanswered.
  const c = await registerClient(srv.api);
  const session = await openSession(srv.api, c.token, org.organization.id, { message: 'buffered' });
  const ROUNDS = 120;
  const BATCH = 25;
  let sent = 0;
  let unanswered = 0;
  const refused = [];
  for (let r = 0; r < ROUNDS && unanswered === 0; r++) {
    const sockets = Array.from({ length: BATCH }, () => socketFor(srv.url, c.token));
    const results = await Promise.allSettled(
      sockets.map((s) => emitAck(s, 'get_session_history', { session_id: session.id, limit: 1 }, { timeout: 2000 })),
    );
    sent += BATCH;
    for (const res of results) {
      if (res.status === 'rejected') unanswered++;
      else if (res.value.ok !== true) refused.push(res.value);
    }
    await Promise.all(sockets.map(closeSocket));
  }
  assert.deepEqual(refused, []);
  assert.equal(
    unanswered,
    0,
    `${unanswered} of ${sent} get_session_history events emitted before 'connect' were never answered ` +
      '(silently dropped by the server: no ack, no error event)',
  );
});
