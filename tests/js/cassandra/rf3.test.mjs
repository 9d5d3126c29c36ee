// Three Apache Cassandra nodes (127.0.0.1–3, replication factor 3) under one raasel server
// writing and reading at QUORUM: one node is killed during a message burst, writes go on,
// nothing acknowledged is lost, and the node rejoins. Run by scripts/cassandra-cluster-test,
// which starts and stops the Cassandra nodes (too heavy for every run of the test command).

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  startServer,
  freshPostgresUrl,
  call,
  createOrg,
  createAgent,
  registerClient,
  openSession,
  connect,
  waitOnline,
  emitAck,
  closeAllSockets,
  uniq,
} from '../e2e/helpers.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const cassandra = (script, ...args) =>
  execFileSync(path.resolve(here, '../../../scripts/cassandra', script), args, { stdio: 'inherit' });

let server;
after(async () => {
  await closeAllSockets();
  await server?.stop();
});

test('a Cassandra node killed during a burst: writes go on at QUORUM, nothing acknowledged is lost, the node rejoins', async () => {
  server = await startServer({
    store: [
      '--database-url', freshPostgresUrl(),
      '--cassandra-contact-points', '127.0.0.1,127.0.0.2,127.0.0.3',
      '--cassandra-keyspace', `rf3_${uniq()}`,
      '--cassandra-replication', 'SimpleStrategy:3',
      '--cassandra-consistency', 'quorum',
    ],
    startTimeout: 120000,
  });
  const org = await createOrg(server.api);
  const agent = await createAgent(server.api, org.adminToken, { maxConcurrentSessions: 50 });
  agent.socket = await connect(server.url, agent.token);
  await waitOnline(server.api, org.adminToken, agent.agent.id);

  const customers = [];
  for (let i = 0; i < 10; i++) {
    const c = await registerClient(server.api);
    c.session = await openSession(server.api, c.token, org.organization.id, { message: 'start' });
    c.socket = await connect(server.url, c.token);
    c.acked = [];
    c.failed = 0;
    customers.push(c);
  }

  let burning = true;
  const started = Date.now();
  const sending = customers.map(async (c) => {
    for (let i = 0; burning; i++) {
      const key = `k-${uniq()}`;
      try {
        const ack = await emitAck(c.socket, 'send_message', { session_id: c.session.id, content: `m${i}`, client_msg_id: key }, { timeout: 10000 });
        if (ack.ok) c.acked.push({ key, seq: ack.message.seq, at: Date.now() - started });
        else c.failed++;
      } catch {
        c.failed++;
      }
    }
  });
  // The traffic under test runs for fixed periods: 5 s on three nodes, then 15 s with one of
  // them killed. These sleeps are those periods, not waits for anything.
  await new Promise((r) => setTimeout(r, 5000));
  const killedAt = Date.now() - started;
  cassandra('kill-node', '2', '--no-wait');
  await new Promise((r) => setTimeout(r, 15000));
  burning = false;
  await Promise.all(sending);

  const acked = customers.reduce((n, c) => n + c.acked.length, 0);
  const afterKill = customers.reduce((n, c) => n + c.acked.filter((a) => a.at > killedAt + 1000).length, 0);
  const failed = customers.reduce((n, c) => n + c.failed, 0);
  console.log(`acknowledged ${acked} messages (${afterKill} after the kill), ${failed} refused`);
  assert.ok(afterKill > 100, `writes went on with one node down: ${afterKill}`);

  for (const c of customers) {
    const messages = [];
    for (let afterSeq = 0; ; ) {
      const page = await call(server.api, 'GET', `/api/sessions/${c.session.id}/messages?after=${afterSeq}&limit=200`, { token: c.token });
      messages.push(...page.messages);
      afterSeq += page.messages.length;
      if (!page.has_more) break;
    }
    messages.forEach((m, i) => assert.equal(m.seq, i + 1, 'gapless'));
    const keys = new Set(messages.map((m) => m.client_msg_id));
    for (const a of c.acked) assert.ok(keys.has(a.key), `acknowledged ${a.key} (seq ${a.seq}) is stored`);
  }

  cassandra('restart-node', '2');
  // The node is back: the cluster serves QUORUM reads through it again.
  const more = await emitAck(customers[0].socket, 'send_message', { session_id: customers[0].session.id, content: 'after the rejoin' });
  assert.equal(more.ok, true);
});
