// Single sign-on through a real OpenID Connect provider (oidc-provider, started by the test
// command, RAASEL_TEST_OIDC): an admin sets the organization's provider on the console's Single
// sign-on page; an agent types their e-mail on the sign-in page, gets "Sign in with Test ID",
// signs in at the provider's own page and lands in the console signed in. Someone the
// organization does not know comes back to the sign-in page told why. With
// RAASEL_SCREENSHOTS=1 it writes docs/screenshots/sso-settings.png and sso-sign-in.png.

import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { expectAccessible } from './support/a11y';
import { PHONE, launchActor } from './support/browser';
import { desk, loginConsole } from './support/flows';
import { scenario } from './support/scenario';
import { type Server, startServer } from './support/server';

const DOCS_SHOTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../docs/screenshots');

let server: Server;

beforeAll(async () => {
  server = await startServer({ args: ['--sso-allow-private'] });
});

afterAll(async () => {
  await server?.stop();
});

function issuer(): string {
  const url = process.env.RAASEL_TEST_OIDC;
  if (!url) throw new Error('RAASEL_TEST_OIDC is not set: these tests need the OpenID Connect provider (./scripts/test starts one)');
  return url;
}

async function shoot(target: Page | Locator, name: string): Promise<void> {
  if (process.env.RAASEL_SCREENSHOTS === '1') {
    await mkdir(DOCS_SHOTS, { recursive: true });
    await target.screenshot({ path: path.join(DOCS_SHOTS, `${name}.png`) });
  }
  if (process.env.RAASEL_SHOTS) await target.screenshot({ path: `${process.env.RAASEL_SHOTS}/${name}.png` });
}

/** A client of this server at the provider, as an admin registers one there. */
async function registerClient(): Promise<{ client_id: string; client_secret: string }> {
  const res = await fetch(`${issuer()}/reg`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      client_name: 'Raasel console',
      redirect_uris: [`${server.url}/api/sso/callback`],
      token_endpoint_auth_method: 'client_secret_basic',
    }),
  });
  expect(res.status).toBe(201);
  return res.json();
}

/** From the console's sign-in page through the provider's own page, as `email`. */
async function signInThroughProvider(page: Page, email: string): Promise<void> {
  await page.goto(`${server.url}/console/`);
  await page.getByLabel('E-mail', { exact: true }).fill(email);
  await page.getByRole('link', { name: 'Sign in with Test ID' }).click();
  await page.getByRole('heading', { name: 'Test identity provider' }).waitFor();
  expect(await page.getByLabel('E-mail').inputValue()).toBe(email);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

test(
  'an admin sets up single sign-on and an agent signs into the console through the provider',
  scenario(async () => {
    const org = await desk(server.api, 'Sso Desk', [{ name: 'Ola Olsen', email: 'ola@sso-desk.test', role: 'agent' }]);
    const client = await registerClient();

    const admin = await launchActor('sso-admin');
    await loginConsole(admin.page, server.url, org.admin.email, org.admin.password, server.api);
    await admin.page.getByRole('link', { name: 'Single sign-on' }).click();
    const form = admin.page.getByRole('form', { name: 'Identity provider' });
    await form.waitFor();
    expect(await admin.page.locator('[data-redirect-uri]').textContent()).toBe(`${server.url}/api/sso/callback`);
    await form.getByLabel('Issuer').fill(issuer());
    await form.getByLabel('Client id').fill(client.client_id);
    await form.getByLabel('Client secret').fill(client.client_secret);
    await form.getByLabel('Button label').fill('Test ID');
    await form.getByLabel('Allowed e-mail domains').fill('sso-desk.test');
    await form.getByRole('button', { name: 'Save' }).click();
    await admin.page.getByRole('status').filter({ hasText: /^Saved\./ }).waitFor();
    expect(await form.getByLabel('Client secret').inputValue()).toBe('');
    await expectAccessible(admin.page, 'the Single sign-on page');
    await shoot(admin.page, 'sso-settings');
    // On a phone the page fits its width and every field stays reachable.
    await admin.page.setViewportSize(PHONE);
    const overflow = await admin.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, 'the Single sign-on page scrolls sideways on a phone').toBeLessThanOrEqual(0);
    for (const field of ['Issuer', 'Client id', 'Client secret', 'Allowed e-mail domains']) {
      const box = await form.getByLabel(field).boundingBox();
      expect(box && box.x >= 0 && box.x + box.width <= PHONE.width, `${field} fits on a phone`).toBe(true);
    }
    if (process.env.RAASEL_SHOTS) await admin.page.screenshot({ path: `${process.env.RAASEL_SHOTS}/sso-settings-phone.png`, fullPage: true });

    const agent = await launchActor('sso-agent');
    await agent.page.goto(`${server.url}/console/`);
    await agent.page.getByLabel('E-mail', { exact: true }).fill('ola@sso-desk.test');
    await agent.page.getByRole('link', { name: 'Sign in with Test ID' }).waitFor();
    await shoot(agent.page, 'sso-sign-in');
    await signInThroughProvider(agent.page, 'ola@sso-desk.test');
    await agent.page.getByRole('navigation', { name: 'Console' }).waitFor();
    await agent.page.getByRole('button', { name: 'My account: Ola Olsen' }).waitFor();
    expect(new URL(agent.page.url()).search).toBe('');
    const stored = await agent.page.evaluate(() => JSON.parse(localStorage.getItem('raasel.agent') ?? 'null'));
    const me = await server.api('GET', `/api/agents/${stored.agent.id}`, { token: stored.token });
    expect(me.agent.email).toBe('ola@sso-desk.test');
    const audit = await server.api('GET', '/api/audit?action=agent.login', { token: org.adminToken });
    expect(JSON.stringify(audit)).toContain('"sso"');

    // Someone of the domain who is no agent here comes back to the sign-in page, told why.
    const stranger = await launchActor('sso-stranger');
    await signInThroughProvider(stranger.page, 'zed@sso-desk.test');
    await stranger.page
      .getByRole('alert')
      .filter({ hasText: 'There is no agent with your e-mail in this organization' })
      .waitFor();
    expect(new URL(stranger.page.url()).search).toBe('');
    expect(await stranger.page.getByRole('navigation', { name: 'Console' }).count()).toBe(0);
  }),
);
