// Headless Chromium (Debian's package) through playwright-core: one browser with a fresh
// profile per actor (a visitor, an agent), every page's console recorded, console errors
// collected so each test can fail on them, and screenshots plus console logs saved on failure.

import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, type Page, chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
export const RESULTS_DIR = path.resolve(here, '../../test-results');

const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

export interface Actor {
  name: string;
  context: BrowserContext;
  page: Page;
  /** Every console line of every page of this actor, for the failure report. */
  log: string[];
  /** Console errors and uncaught exceptions. */
  errors: string[];
  /** Console errors this test expects of this actor (say, the browser logging a 409 it asked for). */
  expected: RegExp[];
  userDataDir: string;
}

const actors: Actor[] = [];

/** `locale`: the browser's language (navigator.languages), e.g. `de-DE`; Chromium's own by default. */
export async function launchActor(name: string, viewport = DESKTOP, { locale }: { locale?: string } = {}): Promise<Actor> {
  const userDataDir = await mkdtemp(path.join(os.tmpdir(), 'raasel-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport,
    locale,
  });
  context.setDefaultTimeout(15_000);
  const page = context.pages()[0] ?? (await context.newPage());
  const actor: Actor = { name, context, page, userDataDir, log: [], errors: [], expected: [] };
  const watch = (page: Page) => {
    page.on('console', (msg) => {
      const where = msg.location()?.url ?? '';
      const line = `[${msg.type()}] ${msg.text()} ${where}`;
      actor.log.push(line);
      if (msg.type() === 'error' && !actor.expected.some((e) => e.test(line))) actor.errors.push(line);
    });
    page.on('pageerror', (err) => {
      const line = `[pageerror] ${err.message}`;
      actor.log.push(line);
      actor.errors.push(line);
    });
  };
  context.pages().forEach(watch);
  context.on('page', watch);
  actors.push(actor);
  return actor;
}

/**
 * The browser logs every refused request as a console error ("Failed to load resource: … 409"):
 * a test whose actor is refused on purpose names the refusal here, and only that one is let by.
 */
export function expectRefusal(actor: Actor, status: number, path: string): void {
  const escaped = path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  actor.expected.push(new RegExp(`Failed to load resource: the server responded with a status of ${status} .*${escaped}`));
}

/** Fails when any page of any actor logged a console error. */
export function assertNoConsoleErrors(): void {
  const errors = actors.flatMap((a) => a.errors.map((e) => `${a.name}: ${e}`));
  if (errors.length) throw new Error(`console errors in the pages:\n${errors.join('\n')}`);
}

/** Screenshots and console logs of every actor, into test-results/<test>/. */
export async function saveFailureArtifacts(testName: string): Promise<void> {
  const dir = path.join(RESULTS_DIR, testName.replace(/[^a-z0-9]+/gi, '-').slice(0, 80));
  await mkdir(dir, { recursive: true });
  for (const actor of actors) {
    await writeFile(path.join(dir, `${actor.name}.console.log`), actor.log.join('\n') + '\n');
    for (const [i, page] of actor.context.pages().entries()) {
      await page.screenshot({ path: path.join(dir, `${actor.name}-${i}.png`), fullPage: true }).catch(() => undefined);
    }
  }
}

export async function closeActors(): Promise<void> {
  const all = actors.splice(0);
  await Promise.all(
    all.map(async (a) => {
      await a.context.close().catch(() => undefined);
      await rm(a.userDataDir, { recursive: true, force: true, maxRetries: 5 }).catch(() => undefined);
    }),
  );
}
