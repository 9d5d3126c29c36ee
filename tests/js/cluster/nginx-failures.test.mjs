// Node failures behind nginx run with the configuration of docs/cluster.md: a node is killed
// (SIGKILL) under a customer chatting through nginx; the customer's socket reconnects through
// nginx to another node, resends what was not acknowledged and fills the gap from history, and
// then has every message exactly once. nginx's passive health check takes a dead node out:
// requests that would go to it keep succeeding on the others.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  call,
  createOrg,
  createAgent,
  registerClient,
  openSession,
  waitFor,
  waitUntil,
  waitOnline,
  emitAck,
  emitOk,
  closeAllSockets,
  uniq,
} from '../e2e/helpers.mjs';
import { startCluster } from './cluster.mjs';
import { BEHIND_NGINX, addressesPerNode, startNginx } from './nginx.mjs';

const stops = [];

after(async () => {
  await closeAllSockets();
  for (const stop of stops.reverse()) await stop();
});

async function behindNginx() {
  const cluster = await startCluster({ nodes: 3, args: BEHIND_NGINX });
  stops.push(() => cluster.stop());
  const nginx = await startNginx(cluster.nodes);
  stops.push(() => nginx.stop());
  return { nodes: cluster.nodes, nginx };
}

const hostOf = (node) => new URL(node.url).host;

/** Every message of a session, through the API. */
async function history(api, token, sessionId) {
  const all = [];
  for (let after = 0; ; ) {
    const page = await call(api, 'GET', `/api/sessions/${sessionId}/messages?after=${after}&limit=200`, { token });
    all.push(...page.messages);
    after += page.messages.length;
    if (!page.has_more) return all;
  }
}

/**
 * What a chat client keeps: the session's messages by `seq`, from live events and from its own
 * acknowledgements; after a reconnect it asks for everything after the last seq it holds
 * without a hole, as the protocol says.
 */
function transcript(socket, sessionId) {
  const bySeq = new Map();
  const conflicts = [];
  const add = (m) => {
    const had = bySeq.get(m.seq);
    if (had && had.id !== m.id) conflicts.push(`two messages with seq ${m.seq}: ${had.id} and ${m.id}`);
    else bySeq.set(m.seq, m);
  };
  socket.on('new_message', (p) => p.message.session_id === sessionId && add(p.message));
  const contiguous = () => {
    let n = 0;
    while (bySeq.has(n + 1)) n++;
    return n;
  };
  return {
    bySeq,
    conflicts,
    add,
    contiguous,
    /** Where the last catch-up started. */
    from: null,
    /** Fills the gap with get_session_history after the last contiguous seq. */
    async catchUp() {
      this.from = contiguous();
      for (;;) {
        const page = await emitOk(socket, 'get_session_history', { session_id: sessionId, after: contiguous() });
        page.messages.forEach(add);
        if (!page.has_more) return;
      }
    },
  };
}

test('a node SIGKILLed under a customer: the customer reconnects through nginx to another node and has every acknowledged message exactly once', async (t) => {
  const { nodes, nginx } = await behindNginx();
  const byNode = await addressesPerNode(nginx, nodes);
  const [doomedUrl, agentUrl] = [...byNode.keys()];
  const doomed = nodes.find((n) => n.url === doomedUrl);
  const customerSide = nginx.from(byNode.get(doomedUrl));
  const agentSide = nginx.from(byNode.get(agentUrl));

  const org = await createOrg(agentSide.api);
  await call(agentSide.api, 'PUT', `/api/agents/${org.admin.id}/status`, { token: org.adminToken, body: { status: 'busy' } });
  const agent = await createAgent(agentSide.api, org.adminToken, { maxConcurrentSessions: 5 });
  agent.socket = await agentSide.connect(agent.token);
  await waitOnline(doomed.api, org.adminToken, agent.agent.id);

  const customer = await registerClient(customerSide.api);
  const session = await openSession(customerSide.api, customer.token, org.organization.id, { message: 'start' });
  assert.equal(session.agent_id, agent.agent.id);
  // The customer's socket reconnects by itself, as the widget's does, after a fixed second.
  const cs = await customerSide.connect(customer.token, {
    reconnection: true,
    reconnectionDelay: 1000,
    reconnectionDelayMax: 1000,
    randomizationFactor: 0,
  });
  const customerView = transcript(cs, session.id);
  const agentView = transcript(agent.socket, session.id);
  await customerView.catchUp();
  await agentView.catchUp();
  assert.ok(customerView.contiguous() >= 1, "the customer holds the start of the conversation");
  const disconnected = new Promise((resolve) => cs.once('disconnect', resolve));
  // Connected again: the socket's `connect`, once the namespace is joined on the new node.
  const reconnected = disconnected.then(() => new Promise((resolve) => cs.once('connect', resolve)));

  // The customer sends without waiting for acks, the agent answers now and then, until the
  // customer's node dies.
  const sent = [];
  const acked = new Map(); // client_msg_id → message
  let stopped = false;
  const sending = (async () => {
    for (let i = 0; !stopped && cs.connected; i++) {
      const key = `k-${uniq()}`;
      sent.push(key);
      emitAck(cs, 'send_message', { session_id: session.id, content: `m${i}`, client_msg_id: key }, { timeout: 3000 })
        .then((ack) => {
          if (ack.ok) {
            acked.set(key, ack.message);
            customerView.add(ack.message);
          }
        })
        .catch(() => {});
      if (i % 10 === 0) {
        emitAck(agent.socket, 'send_message', { session_id: session.id, content: `a${i}` }).catch(() => {});
      }
      // Paces the burst (four sends every 5 ms: the traffic under test), not a wait for anything.
      if (i % 4 === 3) await new Promise((r) => setTimeout(r, 5));
    }
  })();
  await waitUntil(async () => acked.size >= 30, { timeout: 15000, what: 'acks before the kill' });
  await doomed.kill();
  await disconnected;
  stopped = true;
  await sending;
  const ackedAtKill = acked.size;

  // While the customer is away the agent (on a live node) goes on writing.
  const whileAway = [];
  for (const content of ['are you there?', 'I will wait']) {
    whileAway.push((await emitOk(agent.socket, 'send_message', { session_id: session.id, content })).message);
  }

  let timer;
  await Promise.race([
    reconnected,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error('the customer did not reconnect through nginx within 10 s')), 10000);
    }),
  ]).finally(() => clearTimeout(timer));
  assert.ok(cs.connected);
  // nginx tried the dead node, found it refusing, and passed the connection to another one.
  const errors = await nginx.errors();
  assert.match(errors, new RegExp(`connect\\(\\) failed \\(111: Connection refused\\).*upstream: "http://${hostOf(doomed)}/`));

  // Resend what was not acknowledged, with the same keys: each is stored once.
  const unacked = sent.filter((k) => !acked.has(k));
  for (const key of unacked) {
    const ack = await emitOk(cs, 'send_message', { session_id: session.id, content: 'resent', client_msg_id: key });
    assert.equal(ack.message.client_msg_id, key);
    acked.set(key, ack.message);
    customerView.add(ack.message);
  }
  await customerView.catchUp();
  await agentView.catchUp();
  assert.ok(customerView.from >= 30, `the customer asked only for the gap, after seq ${customerView.from}`);

  const stored = await history(agentSide.api, agent.token, session.id);
  stored.forEach((m, i) => assert.equal(m.seq, i + 1, 'gapless seq'));
  const keys = stored.map((m) => m.client_msg_id).filter(Boolean);
  assert.equal(new Set(keys).size, keys.length, 'no message stored twice');
  assert.equal(keys.length, sent.length, 'every message the customer sent is stored, once');
  for (const [who, view] of [['customer', customerView], ['agent', agentView]]) {
    assert.deepEqual(view.conflicts, [], `the ${who} never saw two messages with one seq`);
    assert.equal(view.contiguous(), stored.length, `the ${who} holds seq 1..${stored.length} without a hole`);
    assert.equal(view.bySeq.size, stored.length, `the ${who} holds nothing else`);
    for (const m of stored) assert.equal(view.bySeq.get(m.seq).id, m.id, `the ${who} holds message ${m.seq} as stored`);
  }
  for (const [key, m] of acked) assert.equal(customerView.bySeq.get(m.seq).client_msg_id, key);
  for (const m of whileAway) assert.equal(customerView.bySeq.get(m.seq).id, m.id, 'the gap was filled from history');
  assert.ok(ackedAtKill >= 30);
  t.diagnostic(
    `${ackedAtKill} acknowledged before the kill, ${unacked.length} resent, ` +
      `history asked after seq ${customerView.from}, ${stored.length} messages in all`,
  );
});

test('passive health check: nginx takes a dead node out and requests keep succeeding on the others', async () => {
  const { nodes, nginx } = await behindNginx();
  const byNode = await addressesPerNode(nginx, nodes);
  const [deadUrl] = [...byNode.keys()];
  const dead = nodes.find((n) => n.url === deadUrl);
  const client = nginx.from(byNode.get(deadUrl));
  const before = (await nginx.access()).length;

  await dead.kill();
  // A write from a client whose node just died: nginx could not connect, so nothing was sent
  // to the dead node, and it passes the request to the next node.
  const registered = await client.api('POST', '/api/clients/register', {
    body: { username: `c_${uniq()}`, email: `c-${uniq()}@example.com`, password: 'client-password-1' },
  });
  assert.equal(registered.status, 201);
  for (let i = 0; i < 10; i++) {
    const ready = await client.api('GET', '/ready');
    assert.equal(ready.status, 200);
  }
  // nginx writes a request's log line as it finishes it, just after the answer went out.
  const lines = await waitUntil(
    async () => {
      const mine = (await nginx.access()).slice(before).filter((l) => l.remote === client.address);
      return mine.length >= 11 ? mine : null;
    },
    { what: 'the eleven requests in the access log' },
  );
  assert.equal(lines.length, 11);
  assert.ok(lines.every((l) => l.status < 300), JSON.stringify(lines));
  const [first, ...rest] = lines;
  assert.deepEqual(first.upstreams[0], hostOf(dead), 'the first request tried the dead node…');
  assert.ok(first.upstreams.length === 2 && first.upstreams[1] !== hostOf(dead), '…and was answered by another');
  // Within fail_timeout nginx no longer tries it: one node per request, never the dead one.
  for (const l of rest) {
    assert.equal(l.upstreams.length, 1, JSON.stringify(l));
    assert.notEqual(l.upstreams[0], hostOf(dead));
  }
  assert.match(await nginx.errors(), /upstream server temporarily disabled/);
});
