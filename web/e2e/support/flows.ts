// What people do in the surfaces, as reusable steps, and what tests read back from them.

import type { Frame, FrameLocator, Locator, Page } from 'playwright-core';
import type { Api } from './server';
import { waitUntil } from './wait';

export const DEMO = {
  domain: 'sample.com',
  admin: { email: 'john@sample.com', password: 'password123', name: 'John Smith' },
  agent: { email: 'jane@sample.com', password: 'password123' },
  customer: { email: 'alice@example.com', password: 'password123' },
};

/** Where a surface is: a page, or the widget's frame. */
type Scope = Pick<Page | Frame | FrameLocator | Locator, 'locator'>;

/** Logs an agent into the console and waits until its socket counts them online. */
export async function loginConsole(page: Page, url: string, email: string, password: string, api: Api): Promise<void> {
  await page.goto(`${url}/console/`);
  await page.getByLabel('E-mail', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('navigation', { name: 'Console' }).waitFor();
  const { token, agent } = await api('POST', '/api/agents/login', { body: { email, password } });
  await waitUntil(async () => (await api('GET', `/api/agents/${agent.id}`, { token })).agent.online, {
    message: `${email} online after logging into the console`,
  });
}

/** Texts of the stored messages (not the optimistic ones) shown in a chat. */
export async function shownMessages(scope: Scope): Promise<string[]> {
  return scope.locator('.messages [data-seq] .content').allTextContents();
}

/** Seqs of the messages shown, in display order. */
export async function shownSeqs(scope: Scope): Promise<number[]> {
  const seqs = await scope.locator('.messages [data-seq]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-seq'))));
  return seqs;
}

/** The check-mark state of my message with this text ('sent', 'delivered', 'read', ...). */
export async function markOf(scope: Scope, text: string): Promise<string | null> {
  const bubble = scope.locator('.bubble.mine', { hasText: text }).last();
  if ((await bubble.count()) === 0) return null;
  return bubble.locator('.marks').getAttribute('data-state');
}

const MARK_ORDER = ['sending', 'sent', 'delivered', 'read'];

/** Waits until my message shows at least `state` (sent < delivered < read). */
export async function waitForMark(scope: Scope, text: string, state: string, who: string): Promise<void> {
  const wanted = MARK_ORDER.indexOf(state);
  await waitUntil(async () => MARK_ORDER.indexOf((await markOf(scope, text)) ?? '') >= wanted, {
    message: `${who} sees '${text}' as ${state}`,
  });
}

export async function waitForMessage(scope: Scope, text: string, who: string): Promise<void> {
  await waitUntil(async () => (await shownMessages(scope)).includes(text), { message: `${who} sees the message '${text}'` });
}

export async function typingText(scope: Scope): Promise<string> {
  return (await scope.locator('.typing').textContent()) ?? '';
}

/** Types into the composer and sends with Enter. */
export async function send(scope: Scope, text: string): Promise<void> {
  const box = scope.locator('#composer-text');
  await box.fill(text);
  await box.press('Enter');
}

/** The widget's iframe on a host page, once the loader created it. */
export async function widgetFrame(page: Page): Promise<Frame> {
  const frame = await waitUntil(() => page.frames().find((f) => f.url().includes('/widget/')), {
    message: 'the widget frame exists',
  });
  return frame!;
}

export function launcher(page: Page): Locator {
  return page.locator('[data-raasel-widget] button[data-raasel-launcher]');
}

/** Registers a new customer in the app; returns their e-mail. */
export async function registerInApp(page: Page, url: string, username: string): Promise<string> {
  const email = `${username}@example.com`;
  await page.goto(`${url}/`);
  await page.getByRole('tab', { name: 'Register' }).click();
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill('customer-password-1');
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('heading', { name: 'Your conversations' }).waitFor();
  return email;
}

export async function loginInApp(page: Page, url: string, email: string, password: string): Promise<void> {
  await page.goto(`${url}/`);
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('heading', { name: 'Your conversations' }).waitFor();
}

/** Searches the app's directory and opens the organization with this domain. */
export async function openFromDirectory(page: Page, query: string, domain: string): Promise<void> {
  await page.getByRole('searchbox', { name: /Search organizations/ }).fill(query);
  const result = page.locator(`.org-result[data-domain="${domain}"]`);
  await result.waitFor();
  await result.click();
  await page.locator('[data-welcome]').waitFor();
}

/** A fresh organization (with its admin) created through the API. */
export async function createOrganization(api: Api, name: string, settings: Record<string, unknown> = {}) {
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  const admin = { name: `${name} Admin`, email: `admin@${slug}.test`, password: 'admin-password-1' };
  const out = await api('POST', '/api/organizations', { body: { name, domain: `${slug}.test`, settings, admin } });
  return { organization: out.organization, token: out.token as string, admin, domain: `${slug}.test` };
}

export interface Teammate {
  name: string;
  email: string;
  role: 'agent' | 'supervisor' | 'admin';
}

/** A fresh organization with its admin and these teammates (password `agent-password-1`). */
export async function desk(api: Api, name: string, teammates: Teammate[] = []) {
  const org = await createOrganization(api, name);
  const agents: Record<string, { id: string; token: string }> = {};
  for (const t of teammates) {
    const { agent } = await api('POST', '/api/agents', { token: org.token, body: { ...t, password: 'agent-password-1' } });
    const login = await api('POST', '/api/agents/login', { body: { email: t.email, password: 'agent-password-1' } });
    agents[t.email] = { id: agent.id, token: login.token };
  }
  const me = await api('POST', '/api/agents/login', { body: { email: org.admin.email, password: org.admin.password } });
  return { ...org, adminId: me.agent.id as string, adminToken: me.token as string, agents };
}

let customers = 0;

/** A newly registered customer who opens a conversation with `organizationId` by writing `first`. */
export async function customerWrites(api: Api, organizationId: string, first: string) {
  const username = `customer_${++customers}_${process.pid}_${Date.now() % 100000}`;
  const { token } = await api('POST', '/api/clients/register', {
    body: { username, email: `${username}@example.com`, password: 'customer-password-1' },
  });
  const { session } = await api('POST', '/api/sessions', { token, body: { organization_id: organizationId, message: first } });
  const write = (content: string) => api('POST', `/api/sessions/${session.id}/messages`, { token, body: { content } });
  return { token, sessionId: session.id as string, username, write };
}

/** A conversation's entry in the console's list. */
export function listItem(page: Page, sessionId: string): Locator {
  return page.locator(`.session-list .session-item[data-session="${sessionId}"]`);
}
