// Files in a cluster: every node serves every file, because the files are in the S3-compatible
// bucket the nodes share; deleting the organization through any node empties its part of it.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { createOrg, createAgent, registerClient, openSession, call, waitUntil } from '../e2e/helpers.mjs';
import { startCluster } from './cluster.mjs';

let cluster;
let a;
let b;

before(async () => {
  cluster = await startCluster({ nodes: 2 });
  [a, b] = cluster.nodes;
});

after(async () => {
  await cluster?.stop();
});

/** Uploads `bytes` as `name` into a conversation through one node. */
async function upload(node, token, sessionId, name, bytes) {
  const form = new FormData();
  form.append('file', new Blob([bytes]), name);
  const res = await fetch(`${node.url}/api/sessions/${sessionId}/attachments`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
    signal: AbortSignal.timeout(10000),
  });
  const body = await res.json();
  assert.equal(res.status, 201, JSON.stringify(body));
  return body.attachment;
}

/** Every file under a directory, recursively. */
function filesUnder(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)],
  );
}

test('a file uploaded through one node downloads through another; deleting the organization deletes it', async () => {
  const org = await createOrg(a.api);
  const agent = await createAgent(b.api, org.adminToken, { name: 'Bea' });
  const customer = await registerClient(a.api);
  const session = await openSession(a.api, customer.token, org.organization.id, { message: 'My invoice is wrong' });

  const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(7 * 1024 * 1024, 0x20), Buffer.from('\n%%EOF\n')]);
  const file = await upload(a, customer.token, session.id, 'invoice.pdf', pdf);
  assert.equal(file.content_type, 'application/pdf');
  assert.equal(file.size, pdf.length);
  await call(a.api, 'POST', `/api/sessions/${session.id}/messages`, {
    token: customer.token,
    body: { content: 'Here it is', attachments: [file.id] },
  }, 201);

  // The agent, on the other node, reads it.
  const history = await call(b.api, 'GET', `/api/sessions/${session.id}/messages`, { token: agent.token });
  const carried = history.messages.find((m) => m.attachments.length > 0);
  assert.deepEqual(carried.attachments.map((f) => f.id), [file.id]);
  const link = await call(b.api, 'GET', `/api/attachments/${file.id}/link`, { token: agent.token });
  const res = await fetch(b.url + link.url, { signal: AbortSignal.timeout(10000) });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-disposition'), /^attachment;/);
  const got = Buffer.from(await res.arrayBuffer());
  const sha = (buf) => createHash('sha256').update(buf).digest('hex');
  assert.equal(sha(got), sha(pdf), 'the bytes downloaded through node B are the bytes uploaded through node A');

  const objects = path.join(cluster.bucket.objects, org.organization.id);
  assert.ok(filesUnder(objects).length >= 1, 'the file is in the shared bucket');
  await call(b.api, 'DELETE', `/api/organizations/${org.organization.id}`, { token: org.adminToken }, 204);
  await waitUntil(async () => filesUnder(objects).length === 0, { what: 'the organization\'s files leave the bucket' });
});
