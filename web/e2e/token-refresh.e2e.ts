// Agents' access tokens live seconds here (--access-token-ttl 6s): the console renews its token
// with the HttpOnly refresh cookie before it runs out and hands the new one to its socket, so
// the agent stays signed in and connected past the first token's expiry and answers a visitor
// in the widget without a "Reconnecting…". A reload keeps the sign-in, and so does coming back
// with a stored token that ran out meanwhile. Scripts never see the cookie's secret.

import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type Actor, expectRefusal, launchActor } from './support/browser';
import { DEMO, launcher, send, waitForMessage, widgetFrame } from './support/flows';
import { type HostSite, startHostSite } from './support/host-page';
import { scenario } from './support/scenario';
import { type Server, startServer } from './support/server';
import { waitUntil } from './support/wait';

const TOKEN_TTL_SECS = 6;

let server: Server;
let host: HostSite;

beforeAll(async () => {
  server = await startServer({ args: ['--access-token-ttl', `${TOKEN_TTL_SECS}s`] });
  host = await startHostSite(server.url, { 'data-organization': DEMO.domain });
});

afterAll(async () => {
  await host?.close();
  await server?.stop();
});

interface Stored {
  token: string;
  agent: { id: string };
}

async function stored(page: Page): Promise<Stored | null> {
  return page.evaluate(() => JSON.parse(localStorage.getItem('raasel.agent') ?? 'null'));
}

/** A JWT's claims (Unix seconds), read as the console reads them. */
function claims(token: string): { iat: number; exp: number; sid: string } {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
}

/** Records in the page whether the console ever showed a lost connection (from each page load on). */
async function watchConnection(actor: Actor): Promise<void> {
  await actor.context.addInitScript(() => {
    const w = window as unknown as { connectionNotices: string[] };
    w.connectionNotices = [];
    new MutationObserver(() => {
      const text = document.querySelector('.conn-lost')?.textContent;
      if (text && w.connectionNotices.at(-1) !== text) w.connectionNotices.push(text);
    }).observe(document, { childList: true, subtree: true, characterData: true });
  });
}

async function connectionNotices(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { connectionNotices: string[] }).connectionNotices);
}

async function expectSignedIn(page: Page): Promise<void> {
  await page.getByRole('navigation', { name: 'Console' }).waitFor();
  expect(await page.getByRole('button', { name: 'Log in' }).count()).toBe(0);
}

test(
  'the console renews its short-lived token: connected and signed in past its expiry, and after a reload',
  scenario(async () => {
    const agent = await launchActor('agent');
    await watchConnection(agent);
    let sockets = 0;
    agent.page.on('websocket', () => sockets++);
    const page = agent.page;

    // Signing in through the form.
    await page.goto(`${server.url}/console/`);
    await page.getByLabel('E-mail', { exact: true }).fill(DEMO.admin.email);
    await page.getByLabel('Password', { exact: true }).fill(DEMO.admin.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('navigation', { name: 'Console' }).waitFor();
    const first = (await stored(page))!;
    const firstClaims = claims(first.token);
    expect(firstClaims.exp - firstClaims.iat).toBe(TOKEN_TTL_SECS);
    await waitUntil(
      async () => (await server.api('GET', `/api/agents/${first.agent.id}`, { token: (await stored(page))!.token })).agent.online,
      { message: "the agent online through the console's socket" },
    );

    // A visitor writes in the widget; the conversation is the agent's (the only one online).
    const visitor = await launchActor('visitor');
    await visitor.page.goto(host.url);
    await launcher(visitor.page).click();
    const frame = await widgetFrame(visitor.page);
    await send(frame, 'Are you still there?');
    await page.getByRole('link', { name: /My conversations/ }).click();
    await page.locator('.session-item').first().click();
    await waitForMessage(page, 'Are you still there?', 'the agent');

    // Past the first token's expiry, renewed meanwhile.
    const renewedToken = async () => {
      const now = (await stored(page))?.token;
      return now !== undefined && now !== first.token;
    };
    await waitUntil(async () => Date.now() > (firstClaims.exp + 1) * 1000 && (await renewedToken()), {
      timeout: (TOKEN_TTL_SECS + 10) * 1000,
      message: "the first token expired and the console's token was renewed",
    });
    await expect(server.api('GET', `/api/agents/${first.agent.id}`, { token: first.token })).rejects.toThrow(/answered 401/);
    const renewed = (await stored(page))!;
    expect(claims(renewed.token).sid).toBe(firstClaims.sid);
    expect(claims(renewed.token).exp).toBeGreaterThan(firstClaims.exp);

    // The socket the console opened with the first token is still the one it answers on.
    await send(page, 'Yes, still here.');
    await waitForMessage(frame, 'Yes, still here.', 'the visitor');
    await expectSignedIn(page);
    expect(await connectionNotices(page)).toEqual([]);
    expect(sockets).toBe(1);

    // The refresh cookie: HttpOnly, so neither in document.cookie nor the stored account.
    const cookie = (await agent.context.cookies()).find((c) => c.name === 'raasel_refresh');
    expect(cookie).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Strict', path: '/api/agents/refresh' });
    expect(await page.evaluate(() => document.cookie)).not.toContain('raasel_refresh');
    const raw = await page.evaluate(() => localStorage.getItem('raasel.agent') ?? '');
    expect(raw).not.toContain(cookie!.value);
    expect((await stored(page))!.token).not.toBe(cookie!.value);

    // A reload stays signed in.
    await page.reload();
    await expectSignedIn(page);
    await waitForMessage(page, 'Yes, still here.', 'the agent after the reload');

    // Back after the stored token ran out (the console closed meanwhile, the customer app of
    // the same origin open instead): renewed with the cookie.
    await page.goto(`${server.url}/`);
    await page.evaluate((token) => {
      const account = JSON.parse(localStorage.getItem('raasel.agent')!);
      localStorage.setItem('raasel.agent', JSON.stringify({ ...account, token }));
    }, first.token);
    await page.goto(`${server.url}/console/`);
    await expectSignedIn(page);
    const resumed = (await stored(page))!;
    expect(resumed.token).not.toBe(first.token);
    expect(claims(resumed.token).exp * 1000).toBeGreaterThan(Date.now());
    expect(claims(resumed.token).sid).toBe(firstClaims.sid);
    await page.getByRole('link', { name: /My conversations/ }).click();
    await page.locator('.session-item').first().click();
    await send(page, 'Back again.');
    await waitForMessage(frame, 'Back again.', 'the visitor');
    expect(await connectionNotices(page)).toEqual([]);
  }),
);

test(
  'a socket closed for its expired token (no refresh could be made meanwhile) comes back with a renewed one; a sign-in ended signs out',
  scenario(async () => {
    const agent = await launchActor('agent');
    const page = agent.page;
    // Refreshes made impossible for a while are aborted requests; the sign-in ended at the end
    // refuses the refresh, and the server's closing of the socket refuses a long-poll on its way.
    agent.expected.push(/Failed to load resource: net::ERR_FAILED/);
    expectRefusal(agent, 401, '/api/agents/refresh');
    expectRefusal(agent, 400, '/socket.io/?EIO=4&transport=polling');

    await page.goto(`${server.url}/console/`);
    await page.getByLabel('E-mail', { exact: true }).fill(DEMO.agent.email);
    await page.getByLabel('Password', { exact: true }).fill(DEMO.agent.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('navigation', { name: 'Console' }).waitFor();
    const first = (await stored(page))!;
    const online = async () => {
      const { token } = (await stored(page))!;
      return (await server.api('GET', `/api/agents/${first.agent.id}`, { token })).agent.online as boolean;
    };
    await waitUntil(online, { message: 'the agent online' });

    // No refresh gets through (as for a machine asleep): the token expires and the server closes
    // the socket. The console says so, and stays signed in.
    await page.route('**/api/agents/refresh', (route) => route.abort());
    const lost = page.locator('.conn-lost');
    await lost.waitFor({ timeout: (TOKEN_TTL_SECS + 10) * 1000 });
    await expectSignedIn(page);

    // Refreshes get through again: a renewed token, the socket back, no new sign-in.
    await page.unroute('**/api/agents/refresh');
    await waitUntil(async () => (await lost.count()) === 0, { timeout: 30_000, message: 'the console connected again' });
    await expectSignedIn(page);
    const back = (await stored(page))!;
    expect(back.token).not.toBe(first.token);
    expect(claims(back.token).sid).toBe(claims(first.token).sid);
    await waitUntil(online, { message: 'the agent online again' });

    // The sign-in ends on the server (logged out elsewhere): the refresh is refused, so the
    // console goes to the sign-in screen.
    await server.api('POST', '/api/agents/logout', { token: back.token });
    await page.getByRole('button', { name: 'Log in' }).waitFor({ timeout: (TOKEN_TTL_SECS + 10) * 1000 });
    expect(await stored(page)).toBeNull();
  }),
);
