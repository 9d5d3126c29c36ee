// A cluster of real `raasel` processes on one PostgreSQL schema and one Redis, for the
// multi-node suite. Each cluster has its own name (its Redis keys and channels), short presence
// leases and heartbeats so that failures show within seconds.

import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { startServer, freshPostgresUrl, uniq } from '../e2e/helpers.mjs';

export const REDIS_URL = process.env.RAASEL_TEST_REDIS || 'redis://127.0.0.1:6379';

/** Presence lease of the test clusters: a dead node's agents are offline within this. */
export const PRESENCE_TTL_MS = 3000;

/**
 * A fresh bucket on the tests' S3-compatible server (`RAASEL_TEST_S3`, its buckets kept as the
 * directories of `RAASEL_TEST_S3_DIR`; set by the test command): the flags that keep a
 * server's files there, and the directory of its objects.
 */
export function freshBucket() {
  const url = process.env.RAASEL_TEST_S3;
  const dir = process.env.RAASEL_TEST_S3_DIR;
  if (!url || !dir) {
    throw new Error('RAASEL_TEST_S3 and RAASEL_TEST_S3_DIR are not set: the multi-node suite needs an S3-compatible server (./scripts/test starts s3proxy)');
  }
  const name = `t-${uniq()}`.toLowerCase();
  const objects = path.join(dir, name);
  mkdirSync(objects, { recursive: true });
  return {
    objects,
    args: [
      '--object-store-url', `${url}/${name}`,
      '--object-store-access-key', 'raasel',
      '--object-store-secret-key', 'raasel-secret',
    ],
  };
}

/** Starts `nodes` servers sharing one store, Redis and bucket: `{nodes: [server], stop}`. */
export async function startCluster({ nodes = 3, env = {}, args = [] } = {}) {
  const databaseUrl = freshPostgresUrl();
  const name = `t${uniq()}`;
  const store = ['--database-url', databaseUrl, '--database-pool-size', '8'];
  const bucket = freshBucket();
  const clusterArgs = [
    ...bucket.args,
    '--redis-url', REDIS_URL,
    '--cluster-name', name,
    '--presence-ttl', `${PRESENCE_TTL_MS}ms`,
    '--socket-ping-interval', '1s',
    '--socket-ping-timeout', '2s',
    ...args,
  ];
  const started = [];
  for (let i = 0; i < nodes; i++) {
    started.push(await startServer({ env, store, args: clusterArgs }));
  }
  return {
    nodes: started,
    databaseUrl,
    name,
    bucket,
    async stop() {
      await Promise.all(started.map((n) => n.stop()));
    },
  };
}
