// Starts the real server binary on a free port with a fresh data directory and demo data, and
// talks to its REST API. Only an explicit environment is passed to it.

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitUntil } from './wait';

const here = path.dirname(fileURLToPath(import.meta.url));
export const RAASEL_BIN = process.env.RAASEL_BIN || path.resolve(here, '../../../target/debug/raasel');
const WEB_DIST = path.resolve(here, '../../dist');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export interface Api {
  <T = any>(method: string, p: string, opts?: { token?: string; body?: unknown }): Promise<T>;
}

export interface Server {
  url: string;
  api: Api;
  /** The token secret links in e-mails are signed with (set when started with `mail`). */
  jwtSecret: string | null;
  logs(): string;
  stop(): Promise<void>;
}

/**
 * `mail`: the server sends e-mail (to `smtpUrl`, or to an SMTP port where nothing listens when
 * what goes out is not looked at), so it offers replies by e-mail and honours links in e-mails,
 * signed with a token secret the tests know; links in e-mails point at this server. `args`:
 * more options of `raasel serve` (e.g. `['--access-token-ttl', '6s']`).
 */
export async function startServer({
  mail = false,
  smtpUrl,
  args: extra = [],
}: { mail?: boolean; smtpUrl?: string; args?: string[] } = {}): Promise<Server> {
  const port = await freePort();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'raasel-web-e2e-'));
  const url = `http://127.0.0.1:${port}`;
  const args = [
    'serve',
    '--listen', `127.0.0.1:${port}`,
    '--data-dir', dataDir,
    '--demo',
    '--web-dir', WEB_DIST,
    '--auth-rate-per-minute', '100000',
    '--message-rate-per-minute', '100000',
    '--socket-events-per-second', '1000',
    // Typing indicators end by typing_stop in these tests, never by waiting out the expiry.
    '--typing-ttl-secs', '120',
    // Webhook receivers of the tests listen on this machine.
    '--webhook-allow-private',
  ];
  const jwtSecret = mail ? 'e2e-token-secret-0123456789abcdef0123456789abcdef' : null;
  if (mail) {
    const smtp = smtpUrl ?? `smtp://127.0.0.1:${await freePort()}`;
    args.push('--smtp-url', smtp, '--smtp-from', 'support@raasel.test', '--jwt-secret', jwtSecret!, '--public-url', url);
  }
  args.push(...extra);
  const child = spawn(RAASEL_BIN, args, {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', RUST_LOG: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let logs = '';
  const keep = (chunk: Buffer) => {
    logs = (logs + chunk.toString()).slice(-100_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  let exited = false;
  child.on('exit', () => (exited = true));
  child.on('error', (e) => {
    exited = true;
    logs += `\n${e.message}`;
  });

  try {
    await waitUntil(
      async () => {
        if (exited) throw new Error(`raasel exited: ${logs}`);
        const res = await fetch(`${url}/health`).catch(() => null);
        return res?.ok;
      },
      { timeout: 30_000, message: `raasel (${RAASEL_BIN}) answering /health` },
    );
  } catch (e) {
    child.kill('SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
    throw e;
  }

  return {
    url,
    api: makeApi(url),
    jwtSecret,
    logs: () => logs,
    stop: () => stop(child, dataDir),
  };
}

async function stop(child: ChildProcess, dataDir: string): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const gone = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await gone;
    clearTimeout(timer);
  }
  await rm(dataDir, { recursive: true, force: true });
}

function makeApi(base: string): Api {
  return async (method, p, { token, body } = {}) => {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(base + p, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${p} answered ${res.status}: ${text}`);
    return text ? JSON.parse(text) : null;
  };
}
