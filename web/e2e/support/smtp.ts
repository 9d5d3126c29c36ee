// The tests' own SMTP server (scripts/smtp-sink.py, aiosmtpd from the Python environment the
// test command installs): every e-mail it accepts, as the JSON file it keeps.

import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './server';

const here = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(here, '../../..');
const PYTHON = path.join(REPO, 'target/pyenv/bin/python');

export interface Mail {
  envelope_to: string[];
  headers: Record<string, string>;
  text: string | null;
  html: string | null;
}

export interface SmtpSink {
  url: string;
  mails(): Mail[];
  stop(): Promise<void>;
}

export async function startSmtpSink(): Promise<SmtpSink> {
  if (!existsSync(PYTHON)) throw new Error(`${PYTHON} is missing: run scripts/services smtp (the test command does)`);
  const port = await freePort();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'raasel-smtp-'));
  const child: ChildProcess = spawn(PYTHON, [path.join(REPO, 'scripts/smtp-sink.py'), '--port', String(port), '--dir', dir], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the SMTP sink did not start (is aiosmtpd installed?)')), 20_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes(`ready ${port}`)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('exit', () => reject(new Error('the SMTP sink exited')));
  });
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails: () =>
      readdirSync(dir)
        .filter((f) => f.endsWith('.json') && !f.startsWith('.'))
        .sort()
        .map((f) => JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as Mail),
    stop: async () => {
      child.kill('SIGTERM');
      await rm(dir, { recursive: true, force: true });
    },
  };
}
