// Agents' devices in the console: an agent signed in on two browsers sees both under My account,
// the one in hand marked "This device", and signs the other out: that console goes back to the
// sign-in screen by itself (its socket was closed and its token is refused), and the list is
// down to one. Then an admin signs the agent out everywhere from the agents page, and the
// remaining console goes to the sign-in screen too. With RAASEL_SCREENSHOTS=1 it writes
// docs/screenshots/devices.png.

import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { expectAccessible } from './support/a11y';
import { type Actor, expectRefusal, launchActor } from './support/browser';
import { desk, loginConsole } from './support/flows';
import { scenario } from './support/scenario';
import { type Server, startServer } from './support/server';
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

/**
 * Signs into the console through its form only (loginConsole also signs in over the API to watch
 * presence, which would be one more device of this agent).
 */
async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto(`${server.url}/console/`);
  await page.getByLabel('E-mail', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('navigation', { name: 'Console' }).waitFor();
}

async function storedToken(page: Page): Promise<string | undefined> {
  return page.evaluate(() => JSON.parse(localStorage.getItem('raasel.agent') ?? '{}').token);
}

/**
 * A console this test signs out: the server closes its socket, and a long-poll of that socket
 * still on its way is refused (400, its session gone) before the console asks again; its token
 * refused, the console asks for a new one, refused too (401: the sign-in ended).
 */
function signedOutByTheServer(actor: Actor): void {
  expectRefusal(actor, 400, '/socket.io/?EIO=4&transport=polling');
  expectRefusal(actor, 401, '/api/agents/refresh');
}

/** Waits until the page shows the console's sign-in screen. */
async function waitForSignInScreen(page: Page, who: string): Promise<void> {
  await waitUntil(
    async () =>
      (await page.getByRole('button', { name: 'Log in' }).isVisible()) && (await page.getByRole('navigation', { name: 'Console' }).count()) === 0,
    { message: `${who} shows the sign-in screen` },
  );
}

async function waitForDevices(list: Locator, n: number, who: string): Promise<void> {
  await waitUntil(async () => (await list.getByRole('listitem').count()) === n, { message: `${who} lists ${n} devices` });
}

test(
  'an agent signs their other device out from My account; an admin signs them out everywhere',
  scenario(async () => {
    const org = await desk(server.api, 'Device Desk');
    const mia = { name: 'Mia Moss', email: 'mia@device-desk.test', password: 'mia-password-1' };
    const { agent } = await server.api('POST', '/api/agents', { token: org.adminToken, body: { ...mia, role: 'agent' } });

    // Device B first, alone, so that Mia counting as online means its socket is connected.
    const deviceB = await launchActor('mia-device-b');
    signedOutByTheServer(deviceB);
    await signIn(deviceB.page, mia.email, mia.password);
    await waitUntil(async () => (await server.api('GET', `/api/agents/${agent.id}`, { token: org.adminToken })).agent.online, {
      message: "Mia online through device B's socket",
    });
    const tokenB = await storedToken(deviceB.page);
    expect(tokenB).toBeTruthy();

    const deviceA = await launchActor('mia-device-a');
    signedOutByTheServer(deviceA);
    const pageA = deviceA.page;
    await signIn(pageA, mia.email, mia.password);

    // Device A's My account lists both; A is "This device", and only the other one can be signed out.
    await pageA.getByRole('button', { name: 'My account: Mia Moss' }).click();
    const account = pageA.getByRole('dialog', { name: 'My account' });
    await account.getByRole('heading', { name: 'Devices' }).waitFor();
    const list = account.getByRole('list', { name: 'Signed-in devices' });
    await waitForDevices(list, 2, 'My account on device A');
    const items = list.getByRole('listitem');
    const here = items.filter({ hasText: 'This device' });
    expect(await here.count()).toBe(1);
    expect(await items.first().textContent()).toContain('This device');
    expect(await here.getByRole('button', { name: 'Sign out' }).count()).toBe(0);
    for (const text of await items.allTextContents()) expect(text).toMatch(/Started .+ · Last used .+/);
    await expectAccessible(pageA, 'My account with two devices');
    await shoot(account, 'devices');

    // A signs B out, after a question whose safe answer has the focus.
    const other = items.filter({ hasNotText: 'This device' });
    await other.getByRole('button', { name: 'Sign out' }).click();
    const question = other.getByRole('group', { name: /^Sign out .+\? It is signed out at once/ });
    await waitUntil(async () => question.getByRole('button', { name: 'Cancel' }).evaluate((b) => b === document.activeElement), {
      message: 'Cancel has the focus',
    });
    await question.getByRole('button', { name: 'Sign out' }).click();
    await account.getByRole('status').filter({ hasText: /^Signed out .+\.$/ }).waitFor();

    // B leaves the console by itself: the server closed its socket, and its token is refused.
    await waitForSignInScreen(deviceB.page, "device B's console");
    await expect(server.api('GET', `/api/agents/${agent.id}`, { token: tokenB })).rejects.toThrow(/answered 401/);

    // A's list, read again from the server, has A alone; A's console goes on.
    await waitForDevices(list, 1, 'My account on device A after signing B out');
    expect(await items.first().textContent()).toContain('This device');
    expect(await pageA.getByRole('navigation', { name: 'Console' }).isVisible()).toBe(true);

    // An admin signs Mia out everywhere from the agents page.
    const admin = await launchActor('admin');
    const adminPage = admin.page;
    await loginConsole(adminPage, server.url, org.admin.email, org.admin.password, server.api);
    await adminPage.getByRole('link', { name: 'Agents' }).click();
    await adminPage.locator(`tr[data-agent="${mia.email}"]`).getByRole('button', { name: 'Devices of Mia Moss' }).click();
    const dialog = adminPage.getByRole('dialog', { name: 'Devices of Mia Moss' });
    const adminList = dialog.getByRole('list', { name: 'Signed-in devices' });
    await waitForDevices(adminList, 1, "the admin's look at Mia's devices");
    expect(await adminList.getByText('This device').count()).toBe(0);
    await expectAccessible(adminPage, "an admin's look at an agent's devices");

    await dialog.getByRole('button', { name: 'Sign out everywhere' }).click();
    const everywhere = dialog.getByRole('group', { name: /^Sign Mia Moss out everywhere\?/ });
    await everywhere.getByRole('button', { name: 'Sign out everywhere' }).click();
    await dialog.getByRole('status').filter({ hasText: 'Signed Mia Moss out of 1 device.' }).waitFor();
    await dialog.getByText('Mia Moss is not signed in on any device.').waitFor();

    // A's console, My account still open, goes to the sign-in screen by itself.
    await waitForSignInScreen(pageA, "device A's console");
    expect(await storedToken(pageA)).toBeUndefined();
  }),
);

test(
  'signing out everywhere from My account ends this console too',
  scenario(async () => {
    const org = await desk(server.api, 'Everywhere Desk');
    const ben = { name: 'Ben Baker', email: 'ben@everywhere-desk.test', password: 'ben-password-1' };
    const { agent } = await server.api('POST', '/api/agents', { token: org.adminToken, body: { ...ben, role: 'agent' } });
    const phone = await server.api('POST', '/api/agents/login', { body: { email: ben.email, password: ben.password } });

    const actor = await launchActor('ben');
    signedOutByTheServer(actor);
    const page = actor.page;
    await signIn(page, ben.email, ben.password);
    await page.getByRole('button', { name: 'My account: Ben Baker' }).click();
    const account = page.getByRole('dialog', { name: 'My account' });
    const list = account.getByRole('list', { name: 'Signed-in devices' });
    await waitForDevices(list, 2, 'My account');

    // Cancel keeps every device.
    await account.getByRole('button', { name: 'Sign out everywhere' }).click();
    const question = account.getByRole('group', { name: /^Sign out everywhere\? Every device of yours/ });
    await question.getByRole('button', { name: 'Cancel' }).click();
    expect(await question.count()).toBe(0);
    expect(await list.getByRole('listitem').count()).toBe(2);
    const everywhere = account.getByRole('button', { name: 'Sign out everywhere' });
    await waitUntil(async () => everywhere.evaluate((b) => b === document.activeElement), {
      message: 'the focus is back on Sign out everywhere',
    });

    await everywhere.click();
    await question.getByRole('button', { name: 'Sign out everywhere' }).click();
    await waitForSignInScreen(page, 'the console');
    expect(await storedToken(page)).toBeUndefined();
    // The other sign-in ended too.
    await expect(server.api('GET', `/api/agents/${agent.id}/devices`, { token: phone.token })).rejects.toThrow(/answered 401/);
    const left = await server.api('GET', `/api/agents/${agent.id}/devices`, { token: org.adminToken });
    expect(left.devices).toEqual([]);
  }),
);

test(
  'Log out ends this device on the server, not only in this browser',
  scenario(async () => {
    const org = await desk(server.api, 'Log Out Desk');
    const cy = { name: 'Cy Cole', email: 'cy@log-out-desk.test', password: 'cy-password-1' };
    const { agent } = await server.api('POST', '/api/agents', { token: org.adminToken, body: { ...cy, role: 'agent' } });
    const phone = await server.api('POST', '/api/agents/login', { body: { email: cy.email, password: cy.password } });
    const actor = await launchActor('cy');
    signedOutByTheServer(actor);
    await signIn(actor.page, cy.email, cy.password);
    const console = await storedToken(actor.page);
    const listed = async () => (await server.api('GET', `/api/agents/${agent.id}/devices`, { token: phone.token })).devices.length;
    expect(await listed()).toBe(2);

    // Once the console has loaded what it shows (a request still on its way when the device
    // ends would be refused, as it should).
    await actor.page.waitForLoadState('networkidle');
    await actor.page.getByRole('button', { name: 'Log out' }).click();
    await waitForSignInScreen(actor.page, 'the console');
    await waitUntil(async () => (await listed()) === 1, { message: "the console's device leaves the list" });
    await expect(server.api('GET', `/api/agents/${agent.id}`, { token: console })).rejects.toThrow(/answered 401/);
  }),
);
