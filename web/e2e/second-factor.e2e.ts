// Agents' second factor in the console: an agent turns it on from My account (password, QR code,
// the app's code, the recovery codes shown once) and then signs in with a code, a wrong one
// refused; an admin turns on their own, then requires one of every agent: an agent without one
// is signed out and led through the set-up at the next sign-in; the admin resets that agent's
// second factor. The codes are the authenticator app's (RFC 6238), computed from the secret the
// set-up shows. With RAASEL_SCREENSHOTS=1 it writes docs/screenshots/second-factor-setup.png.

import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { expectAccessible } from './support/a11y';
import { expectRefusal, launchActor } from './support/browser';
import { desk, loginConsole } from './support/flows';
import { scenario } from './support/scenario';
import { type Server, startServer } from './support/server';
import { stepNow, totp, wrongCode } from './support/totp';
import { waitUntil } from './support/wait';

const DOCS_SHOTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../docs/screenshots');

let server: Server;

beforeAll(async () => {
  server = await startServer();
});

afterAll(async () => {
  await server?.stop();
});

/** docs/screenshots/NAME.png with RAASEL_SCREENSHOTS=1; RAASEL_SHOTS=<dir> for a look while working. */
async function shoot(target: Page | Locator, name: string): Promise<void> {
  if (process.env.RAASEL_SCREENSHOTS === '1') {
    await mkdir(DOCS_SHOTS, { recursive: true });
    await target.screenshot({ path: path.join(DOCS_SHOTS, `${name}.png`) });
  }
  if (process.env.RAASEL_SHOTS) await target.screenshot({ path: `${process.env.RAASEL_SHOTS}/${name}.png` });
}

/** The name of the element with the focus. */
async function focusedName(page: Page): Promise<string | null> {
  return page.evaluate(() => document.activeElement?.getAttribute('name') ?? null);
}

async function storedToken(page: Page): Promise<string> {
  return page.evaluate(() => JSON.parse(localStorage.getItem('raasel.agent') ?? '{}').token);
}

/**
 * Scans the set-up's QR code the way a test can (its secret, as the screen shows it for typing)
 * and confirms with the app's current code; returns the secret. The set-up is on screen in `scope`.
 */
async function confirmSetup(page: Page, scope: Locator): Promise<string> {
  await scope.getByRole('img', { name: 'QR code to scan with your authenticator app' }).waitFor();
  const secret = (await scope.locator('[data-secret]').getAttribute('data-secret'))!;
  expect((await scope.locator('[data-secret]').textContent())?.replace(/ /g, '')).toBe(secret);
  await waitUntil(async () => (await focusedName(page)) === 'code', { message: 'the code field has the focus' });
  await scope.getByLabel('Code from the app').fill(totp(secret));
  await scope.getByRole('button', { name: 'Turn on' }).click();
  return secret;
}

/** Waits for the ten recovery codes and the warning that they are shown once; returns them. */
async function recoveryCodes(scope: Locator): Promise<string[]> {
  const list = scope.getByRole('list', { name: 'Recovery codes' });
  await list.waitFor();
  await scope.getByText('they are shown only once').waitFor();
  const codes = await list.locator('[data-recovery-code]').allTextContents();
  expect(codes).toHaveLength(10);
  for (const c of codes) expect(c).toMatch(/^[a-z0-9]{4}-[a-z0-9]{4}$/);
  return codes;
}

/** Turns on the signed-in agent's second factor from My account; returns the secret. */
async function turnOnFromConsole(page: Page, name: string, password: string): Promise<string> {
  const before = await storedToken(page);
  await page.getByRole('button', { name: `My account: ${name}` }).click();
  const dialog = page.getByRole('dialog', { name: 'My account' });
  await dialog.locator('[data-second-factor="off"]').waitFor();
  await dialog.getByRole('button', { name: 'Turn on' }).click();
  await dialog.getByLabel('Password', { exact: true }).fill(password);
  await dialog.getByRole('button', { name: 'Continue' }).click();
  const secret = await confirmSetup(page, dialog);
  await recoveryCodes(dialog);
  await dialog.locator('[data-second-factor="on"]', { hasText: '10 recovery codes are left' }).waitFor();
  await dialog.getByRole('button', { name: 'Continue' }).click();
  // The set-up signed in again: the console goes on with that token.
  await waitUntil(async () => (await dialog.count()) === 0, { message: 'My account closes' });
  await page.getByRole('navigation', { name: 'Console' }).waitFor();
  expect(await storedToken(page)).not.toBe(before);
  return secret;
}

test(
  'an agent turns on a second factor from the console, then signs in with a code; a wrong code is refused',
  scenario(async () => {
    const org = await desk(server.api, 'Factor Desk', [{ name: 'Mia Moss', email: 'mia@factor-desk.test', role: 'agent' }]);
    const mia = await launchActor('mia');
    const page = mia.page;
    await loginConsole(page, server.url, 'mia@factor-desk.test', 'agent-password-1', server.api);

    // A wrong password does not start a set-up.
    expectRefusal(mia, 401, '/api/agents/second-factor');
    await page.getByRole('button', { name: 'My account: Mia Moss' }).click();
    const dialog = page.getByRole('dialog', { name: 'My account' });
    await dialog.locator('[data-second-factor="off"]').waitFor();
    await expectAccessible(page, 'My account');
    await dialog.getByRole('button', { name: 'Turn on' }).click();
    await waitUntil(async () => (await focusedName(page)) === 'password', { message: 'the password field has the focus' });
    await dialog.getByLabel('Password', { exact: true }).fill('not-the-password');
    await dialog.getByRole('button', { name: 'Continue' }).click();
    await dialog.getByRole('alert').waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('button', { name: 'Close my account' }).click();

    const secret = await turnOnFromConsole(page, 'Mia Moss', 'agent-password-1');
    const miaId = (await server.api('GET', `/api/agents/organization/${org.organization.id}`, { token: org.adminToken })).agents.find(
      (a: { email: string }) => a.email === 'mia@factor-desk.test',
    ).id;
    const status = await server.api('GET', `/api/agents/${miaId}/second-factor`, { token: org.adminToken });
    expect(status).toEqual({ enabled: true, recovery_codes_left: 10, required: false });

    // Signing in again asks for the code after the password.
    await page.getByRole('button', { name: 'Log out' }).click();
    expectRefusal(mia, 401, '/api/agents/login');
    await page.getByLabel('E-mail', { exact: true }).fill('mia@factor-desk.test');
    await page.getByLabel('Password', { exact: true }).fill('agent-password-1');
    await page.getByRole('button', { name: 'Log in' }).click();
    const code = page.getByLabel('Code', { exact: true });
    await code.waitFor();
    await page.getByText('Enter the 6-digit code from your authenticator app, or a recovery code.').waitFor();
    expect(await code.getAttribute('autocomplete')).toBe('one-time-code');
    expect(await code.getAttribute('inputmode')).toBe('numeric');
    await waitUntil(async () => (await focusedName(page)) === 'code', { message: 'the code field has the focus' });
    await expectAccessible(page, 'the code step');

    await code.fill(wrongCode(secret));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('alert').filter({ hasText: 'wrong code' }).waitFor();
    expect(await code.getAttribute('aria-invalid')).toBe('true');

    // The set-up used this step's code: the app's next one signs in.
    await code.fill(totp(secret, stepNow() + 1));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('navigation', { name: 'Console' }).waitFor();
    expect(await page.locator('input[type="password"]').count()).toBe(0);
  }),
);

test(
  'an admin requires a second factor: a new agent sets one up at sign-in, and the admin resets it',
  scenario(async () => {
    const org = await desk(server.api, 'Strict Desk');
    const ben = { name: 'Ben Baker', email: 'ben@strict-desk.test', password: 'ben-password-1' };
    const { agent: benAgent } = await server.api('POST', '/api/agents', { token: org.adminToken, body: { ...ben, role: 'agent' } });

    // Ben is at work when the rule comes.
    const benActor = await launchActor('ben');
    // Signed out by the requirement: a long-poll of his closed socket may be refused on its way,
    // and so is the console's asking for a new token (the sign-in ended).
    expectRefusal(benActor, 400, '/socket.io/?EIO=4&transport=polling');
    expectRefusal(benActor, 401, '/api/agents/refresh');
    const benPage = benActor.page;
    await loginConsole(benPage, server.url, ben.email, ben.password, server.api);

    const admin = await launchActor('admin');
    const page = admin.page;
    await loginConsole(page, server.url, org.admin.email, org.admin.password, server.api);

    // Not before the admin's own second factor is on.
    expectRefusal(admin, 400, `/api/organizations/${org.organization.id}`);
    await page.getByRole('link', { name: 'Settings' }).click();
    const require = page.getByLabel('Require a second factor for every agent');
    await require.check();
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Turn on your own second factor first').waitFor();
    expect(await require.getAttribute('aria-invalid')).toBe('true');
    await expectAccessible(page, 'the settings page refusing the requirement');

    await turnOnFromConsole(page, org.admin.name, org.admin.password);
    await require.check();
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Saved.').waitFor();
    const { organization } = await server.api('GET', `/api/organizations/${org.organization.id}`, { token: org.adminToken });
    expect(organization.settings.require_second_factor).toBe(true);

    // Ben has none: he was signed out. The server closed his console's socket; asking again, the
    // console is refused, is refused a new token too, and returns to the sign-in screen by itself.
    await waitUntil(async () => benPage.getByRole('button', { name: 'Log in' }).isVisible(), {
      message: "Ben's console shows the sign-in screen",
    });
    expect(await storedToken(benPage)).toBeUndefined();

    // Signing in leads him through the set-up, then into the console.
    expectRefusal(benActor, 403, '/api/agents/login');
    await benPage.getByLabel('E-mail', { exact: true }).fill(ben.email);
    await benPage.getByLabel('Password', { exact: true }).fill(ben.password);
    await benPage.getByRole('button', { name: 'Log in' }).click();
    const card = benPage.locator('.setup-card');
    await benPage.getByRole('heading', { name: 'Set up a second factor' }).waitFor();
    await card.getByText('Your organization requires a second factor').waitFor();
    await card.getByRole('img', { name: 'QR code to scan with your authenticator app' }).waitFor();
    await expectAccessible(benPage, 'the set-up at sign-in');
    await shoot(card, 'second-factor-setup');
    await confirmSetup(benPage, card);
    await benPage.getByRole('heading', { name: 'Your recovery codes' }).waitFor();
    await recoveryCodes(card);
    await expectAccessible(benPage, 'the recovery codes at sign-in');
    await card.getByRole('button', { name: 'Continue' }).click();
    await benPage.getByRole('navigation', { name: 'Console' }).waitFor();
    const status = await server.api('GET', `/api/agents/${benAgent.id}/second-factor`, { token: org.adminToken });
    expect(status).toEqual({ enabled: true, recovery_codes_left: 10, required: true });

    // Ben lost his phone: the admin resets his second factor from the agents page.
    await page.getByRole('link', { name: 'Agents' }).click();
    const row = page.locator(`tr[data-agent="${ben.email}"]`);
    await row.getByRole('button', { name: 'Reset second factor of Ben Baker' }).click();
    const confirm = page.getByRole('dialog', { name: "Reset Ben Baker's second factor?" });
    await confirm.getByText('10 remaining recovery codes').waitFor();
    await expectAccessible(page, 'the reset confirmation');
    await confirm.getByRole('button', { name: 'Reset second factor' }).click();
    await page.getByRole('status').filter({ hasText: "Reset Ben Baker's second factor. They set up a new one at their next sign-in." }).waitFor();
    const after = await server.api('GET', `/api/agents/${benAgent.id}/second-factor`, { token: org.adminToken });
    expect(after).toEqual({ enabled: false, recovery_codes_left: 0, required: true });
  }),
);
