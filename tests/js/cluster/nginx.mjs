// nginx in front of a test cluster, with the configuration operators are given: the file
// deploy/nginx-cluster.conf (shown verbatim in docs/cluster.md), changed only where the
// operator changes it: the nodes' addresses, the listen address and the certificate paths.
// nginx runs in the foreground as a child of the test (its own prefix, pid file, logs and
// temporary files in a temporary directory), on 127.0.0.1 and a free port, with TLS from a
// self-signed certificate made here with openssl.
//
// All test clients connect from 127.0.0.1, which `ip_hash` would send to one node (it keys on
// the first three octets of an IPv4 address). Each test client therefore connects from its own
// loopback address in another /24 (127.0.N.1, any 127.x.y.z is local on Linux), the way real
// customers come from different networks; `routeOf` asks nginx which node an address sticks to
// (from nginx's access log), so a test can put a customer and an agent on different nodes.

import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect, freePort, sleep, socketFor, uniq, waitUntil } from '../e2e/helpers.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../..');

/** The configuration operators are given, and the document that shows it. */
export const NGINX_CONF = path.join(root, 'deploy/nginx-cluster.conf');
export const CLUSTER_DOC = path.join(root, 'docs/cluster.md');

/** Flags every node behind the test nginx gets: nginx reaches them from 127.0.0.1. */
export const BEHIND_NGINX = ['--trusted-proxies', '127.0.0.1'];

/** The nginx binary: RAASEL_TEST_NGINX, else Debian's. Missing nginx fails the suite. */
export function nginxBinary() {
  const bin = process.env.RAASEL_TEST_NGINX || '/usr/sbin/nginx';
  if (!existsSync(bin)) {
    throw new Error(`nginx is missing (${bin}): scripts/services nginx installs Debian's nginx package`);
  }
  return bin;
}

/** The one ```nginx block of docs/cluster.md. */
export async function documentedConfig() {
  const doc = await readFile(CLUSTER_DOC, 'utf8');
  const blocks = [...doc.matchAll(/^```nginx\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
  if (blocks.length !== 1) throw new Error(`docs/cluster.md has ${blocks.length} nginx blocks, wanted exactly 1`);
  return blocks[0];
}

function replaceOnce(text, pattern, replacement, what) {
  const hits = text.match(new RegExp(pattern.source, `${pattern.flags.replace('g', '')}g`)) || [];
  if (hits.length !== 1) {
    throw new Error(`deploy/nginx-cluster.conf: expected exactly one ${what}, found ${hits.length}`);
  }
  return text.replace(pattern, replacement);
}

/**
 * The operator's changes, nothing else: each upstream `server` line gets a node's address
 * (its parameters stay), `listen 443` becomes `listen <listen>`, and the two certificate
 * paths are the test's.
 */
export function configureFor(conf, { upstreams, listen, cert, key }) {
  const serverLine = /^(\s*server\s+)(\S+:\d+)(?=[\s;])/gm;
  const lines = conf.match(serverLine) || [];
  if (lines.length !== upstreams.length) {
    throw new Error(`deploy/nginx-cluster.conf lists ${lines.length} nodes; the test runs ${upstreams.length}`);
  }
  let i = 0;
  let out = conf.replace(serverLine, (_, lead) => `${lead}${upstreams[i++]}`);
  out = replaceOnce(out, /^(\s*listen\s+)443(\s+ssl;)/m, `$1${listen}$2`, '`listen 443 ssl;`');
  out = replaceOnce(out, /^(\s*ssl_certificate\s+)\S+;/m, `$1${cert};`, '`ssl_certificate`');
  out = replaceOnce(out, /^(\s*ssl_certificate_key\s+)\S+;/m, `$1${key};`, '`ssl_certificate_key`');
  return out;
}

/** A self-signed certificate for 127.0.0.1 and localhost: `{cert, key, pem}`. */
function makeCertificate(dir) {
  const cert = path.join(dir, 'cert.pem');
  const key = path.join(dir, 'key.pem');
  execFileSync(
    'openssl',
    [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=raasel-test',
      '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
    ],
    { stdio: 'pipe' },
  );
  return { cert, key };
}

/** The file nginx is started with: what Debian's nginx.conf would give, around the operator's file. */
function mainConfig(dir, siteFile) {
  const t = (name) => path.join(dir, name);
  return `# Written by tests/js/cluster/nginx.mjs: the part of nginx.conf an operator's
# distribution provides, with everything in this temporary directory.
worker_processes 2;
error_log ${t('error.log')} warn;
events { worker_connections 1024; }
http {
    # Which node served each request ($upstream_addr lists every node tried).
    log_format raasel_test '$remote_addr|$request_method|$request_uri|$status|$upstream_addr';
    access_log ${t('access.log')} raasel_test;
    client_body_temp_path ${t('client_body')};
    proxy_temp_path ${t('proxy')};
    fastcgi_temp_path ${t('fastcgi')};
    uwsgi_temp_path ${t('uwsgi')};
    scgi_temp_path ${t('scgi')};
    include ${siteFile};
}
`;
}

/** Reads nginx's access log: `[{remote, method, uri, status, upstreams: ['127.0.0.1:port', …]}]`. */
async function readAccessLog(file) {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [remote, method, uri, status, upstream] = line.split('|');
      const upstreams = upstream && upstream !== '-' ? upstream.split(/\s*[,:]\s+/).filter(Boolean) : [];
      return { remote, method, uri, status: Number(status), upstreams };
    });
}

/**
 * Starts nginx with the documented configuration in front of `nodes` (servers from
 * startServer). Returns `{url, port, ca, dir, from(address), routeOf(address), access(),
 * errors(), stop()}`.
 */
export async function startNginx(nodes) {
  const bin = nginxBinary();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'raasel-nginx-'));
  // nginx's workers run as an unprivileged user when the test is root: they must reach the
  // temporary files below.
  await chmod(dir, 0o755);
  const { cert, key } = makeCertificate(dir);
  const ca = await readFile(cert);
  const port = await freePort();
  const conf = await readFile(NGINX_CONF, 'utf8');
  const site = configureFor(conf, {
    upstreams: nodes.map((n) => new URL(n.url).host),
    listen: `127.0.0.1:${port}`,
    cert,
    key,
  });
  const siteFile = path.join(dir, 'raasel.conf');
  const mainFile = path.join(dir, 'nginx.conf');
  await writeFile(siteFile, site);
  await writeFile(mainFile, mainConfig(dir, siteFile));
  const args = ['-p', `${dir}/`, '-c', mainFile, '-e', path.join(dir, 'error.log')];
  const pidArg = ['-g', `daemon off; pid ${path.join(dir, 'nginx.pid')};`];
  try {
    execFileSync(bin, [...args, ...pidArg, '-t', '-q'], { stdio: 'pipe' });
  } catch (e) {
    throw new Error(`nginx -t refused the configuration:\n${e.stderr}\n--- ${siteFile}\n${site}`);
  }

  const child = spawn(bin, [...args, ...pidArg], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (c) => (output += c));
  child.stderr.on('data', (c) => (output += c));
  let exited = null;
  const exitPromise = new Promise((resolve) => {
    child.on('exit', (code, signal) => resolve((exited = { code, signal })));
    child.on('error', (error) => resolve((exited = { error })));
  });

  const url = `https://127.0.0.1:${port}`;
  const errors = () => readFile(path.join(dir, 'error.log'), 'utf8').catch(() => '');
  const deadline = Date.now() + 10000;
  for (;;) {
    if (exited) throw new Error(`nginx exited at start (${JSON.stringify(exited)}): ${output}\n${await errors()}`);
    const up = await request(`${url}/health`, { agent: agentFrom('127.0.0.1', ca) }).catch(() => null);
    if (up && up.status === 200) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`nginx did not answer within 10 s: ${output}\n${await errors()}`);
    }
    await sleep(50);
  }

  const access = () => readAccessLog(path.join(dir, 'access.log'));

  /** What a client at `address` (a loopback address) sees: `{agent, api, socket, connect}`. */
  function from(address) {
    const agent = agentFrom(address, ca);
    const api = makeHttpsApi(url, agent);
    const options = (opts) => ({ agent, ca, ...opts });
    return {
      address,
      agent,
      api,
      /** A socket through nginx (websocket unless `transports` says otherwise), not yet connected. */
      socket: (token, opts = {}) => socketFor(url, token, options(opts)),
      /** A connected socket through nginx. */
      connect: (token, opts = {}) => connect(url, token, options(opts)),
    };
  }

  /** The node (`host:port`) nginx sends requests from `address` to, read from its access log. */
  async function routeOf(address) {
    const probe = `/health?probe=${uniq()}`;
    const res = await request(url + probe, { agent: agentFrom(address, ca) });
    if (res.status !== 200) throw new Error(`probe through nginx answered ${res.status}`);
    const line = await waitUntil(async () => (await access()).find((l) => l.uri === probe), {
      what: 'the probe in the access log',
    });
    if (line.remote !== address) throw new Error(`nginx saw the probe from ${line.remote}, not ${address}`);
    return line.upstreams.at(-1);
  }

  async function stop() {
    if (!exited) {
      child.kill('SIGTERM');
      const forced = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exitPromise;
      clearTimeout(forced);
    }
    await rm(dir, { recursive: true, force: true });
  }

  return { url, port, ca, dir, from, routeOf, access, errors, stop };
}

/**
 * Client addresses (127.0.N.1, one per /24) until each wanted node has one: `Map(node url →
 * address)`. nginx's ip_hash spreads /24s over the nodes, so a few probes suffice.
 */
export async function addressesPerNode(nginx, nodes, { first = 1 } = {}) {
  const wanted = new Map(nodes.map((n) => [new URL(n.url).host, n]));
  const found = new Map();
  for (let n = first; n < first + 60 && found.size < wanted.size; n++) {
    const address = `127.0.${n}.1`;
    const host = await nginx.routeOf(address);
    const node = wanted.get(host);
    if (node && !found.has(node.url)) found.set(node.url, address);
  }
  if (found.size < wanted.size) throw new Error(`ip_hash sent 60 client networks to only ${found.size} nodes`);
  return found;
}

/** An HTTPS agent that connects from `localAddress` and trusts the test certificate only. */
export function agentFrom(localAddress, ca) {
  return new https.Agent({ localAddress, ca, keepAlive: false });
}

/** One HTTP(S) request (through `agent`, or from `localAddress`): `{status, headers, text}`. */
export function request(url, { method = 'GET', headers = {}, body, agent, localAddress, timeout = 10000 } = {}) {
  const client = url.startsWith('https:') ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(url, { method, headers, agent, localAddress, timeout }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode, headers: res.headers, text: Buffer.concat(chunks).toString() }),
      );
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url} within ${timeout} ms`)));
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/**
 * `api(method, path, {token, body, headers})` → `{status, body, headers}` through nginx, like
 * makeApi of the e2e helpers (`headers.get(name)` works too).
 */
export function makeHttpsApi(base, agent) {
  return async function api(method, p, { token, body, headers: extra = {} } = {}) {
    const headers = { accept: 'application/json', ...extra };
    if (token) headers.authorization = `Bearer ${token}`;
    let payload;
    if (body !== undefined) {
      payload = JSON.stringify(body);
      headers['content-type'] = 'application/json';
      headers['content-length'] = Buffer.byteLength(payload);
    }
    const res = await request(base + p, { method, headers, body: payload, agent });
    let parsed = res.text;
    try {
      parsed = res.text ? JSON.parse(res.text) : null;
    } catch {
      // not JSON
    }
    const h = res.headers;
    return { status: res.status, body: parsed, headers: { ...h, get: (name) => h[name.toLowerCase()] ?? null } };
  };
}
