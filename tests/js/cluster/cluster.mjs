// A cluster of real `raasel` processes on one PostgreSQL schema and one Redis, for the
// multi-node suite. Each cluster has its own name (its Redis keys and channels), short presence
// leases and heartbeats so that failures show within seconds.

import { startServer, freshPostgresUrl, uniq } from '../e2e/helpers.mjs';

export const REDIS_URL = process.env.RAASEL_TEST_REDIS || 'redis://127.0.0.1:6379';

/** Presence lease of the test clusters: a dead node's agents are offline within this. */
export const PRESENCE_TTL_MS = 3000;

/** Starts `nodes` servers sharing one store and Redis: `{nodes: [server], stop}`. */
export async function startCluster({ nodes = 3, env = {}, args = [] } = {}) {
  const databaseUrl = freshPostgresUrl();
  const name = `t${uniq()}`;
  const store = ['--database-url', databaseUrl, '--database-pool-size', '8'];
  const clusterArgs = [
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
    async stop() {
      await Promise.all(started.map((n) => n.stop()));
    },
  };
}
