// Round robin, capacity and presence across three nodes: a burst of conversations through all
// nodes is shared fairly and never assigned twice; an agent whose node dies goes offline within
// the presence lease and is given nothing more.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  call,
  createOrg,
  createAgent,
  createVisitor,
  openSession,
  connect,
  waitUntil,
  waitFor,
  waitOnline,
  closeAllSockets,
} from '../e2e/helpers.mjs';
import { startCluster, PRESENCE_TTL_MS } from './cluster.mjs';

let cluster;

before(async () => {
  cluster = await startCluster({ nodes: 3 });
});

after(async () => {
  await closeAllSockets();
  await cluster?.stop();
});

/** Six agents, two on each node, online; the admin busy so only they take work. */
async function sixAgents(org, capacity) {
  const { nodes } = cluster;
  await call(nodes[0].api, 'PUT', `/api/agents/${org.admin.id}/status`, {
    token: org.adminToken,
    body: { status: 'busy' },
  });
  const agents = [];
  for (let i = 0; i < 6; i++) {
    const node = nodes[i % 3];
    const agent = await createAgent(node.api, org.adminToken, { maxConcurrentSessions: capacity });
    agent.socket = await connect(node.url, agent.token);
    agent.node = node;
    agents.push(agent);
  }
  for (const agent of agents) await waitOnline(nodes[0].api, org.adminToken, agent.agent.id);
  return agents;
}

test('a burst of 300 conversations through three nodes is shared fairly, each assigned once', async () => {
  const { nodes } = cluster;
  const org = await createOrg(nodes[0].api);
  const agents = await sixAgents(org, 100);

  const opened = await Promise.all(
    Array.from({ length: 300 }, async (_, i) => {
      const node = nodes[i % 3];
      const visitor = await createVisitor(node.api, org.organization.id, `Visitor ${i}`);
      return openSession(node.api, visitor.token, org.organization.id, { message: `help ${i}` });
    }),
  );
  assert.equal(opened.length, 300);

  const counts = await Promise.all(
    agents.map(async (a) => {
      const { sessions } = await call(nodes[1].api, 'GET', `/api/agents/${a.agent.id}/sessions?status=active`, {
        token: org.adminToken,
      });
      return sessions.length;
    }),
  );
  assert.equal(counts.reduce((x, y) => x + y, 0), 300, `every conversation assigned once: ${counts}`);
  assert.ok(Math.max(...counts) - Math.min(...counts) <= 1, `round robin across nodes: ${counts}`);
  assert.ok(Math.max(...counts) <= 100, 'no agent over capacity');

  // Each conversation records exactly one "joined" note: never assigned twice.
  const { sessions } = await call(nodes[2].api, 'GET', `/api/sessions/organization/${org.organization.id}?status=active`, {
    token: org.adminToken,
  });
  assert.equal(sessions.length, 300);
  for (const s of sessions.slice(0, 60)) {
    const { messages } = await call(nodes[0].api, 'GET', `/api/sessions/${s.id}/messages`, { token: org.adminToken });
    const joined = messages.filter((m) => m.sender_type === 'system' && m.content.endsWith('joined the conversation'));
    assert.equal(joined.length, 1, `session ${s.id}: ${JSON.stringify(messages)}`);
  }
});

test('when an agent’s only node dies they go offline within the lease and get no new conversations', async () => {
  const { nodes } = cluster;
  const org = await createOrg(nodes[0].api);
  const doomedNode = nodes[2];
  const survivor = await createAgent(nodes[0].api, org.adminToken, { maxConcurrentSessions: 10 });
  survivor.socket = await connect(nodes[0].url, survivor.token);
  const doomed = await createAgent(doomedNode.api, org.adminToken, { maxConcurrentSessions: 10 });
  doomed.socket = await connect(doomedNode.url, doomed.token);
  await call(nodes[0].api, 'PUT', `/api/agents/${org.admin.id}/status`, {
    token: org.adminToken,
    body: { status: 'busy' },
  });
  await waitOnline(nodes[0].api, org.adminToken, survivor.agent.id);
  await waitOnline(nodes[0].api, org.adminToken, doomed.agent.id);

  await doomedNode.kill();
  // Within the lease (plus one renewal period of slack), never more.
  await waitUntil(
    async () => {
      const { body } = await nodes[1].api('GET', `/api/agents/${doomed.agent.id}`, { token: org.adminToken });
      return body.agent.online === false;
    },
    { timeout: PRESENCE_TTL_MS * 2, what: 'the agent of the dead node to go offline' },
  );
  // The survivors are told.
  await waitFor(survivor.socket, 'agent_status_updated', {
    filter: (p) => p.agent_id === doomed.agent.id && p.online === false,
  });

  for (let i = 0; i < 4; i++) {
    const visitor = await createVisitor(nodes[i % 2].api, org.organization.id);
    const s = await openSession(nodes[i % 2].api, visitor.token, org.organization.id, { message: `after ${i}` });
    assert.equal(s.agent_id, survivor.agent.id, 'nothing goes to the agent of the dead node');
  }
});
