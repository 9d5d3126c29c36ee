// The three surfaces at desktop and phone width, in one conversation set up through them (the
// widget on the demo page, the customer app, the console): one pane at a time on a phone, no
// sideways scrolling, no accessibility violations. With RAASEL_SCREENSHOTS=1 it also writes the
// screenshots of docs/screenshots/.

import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { expectAccessible } from './support/a11y';
import { PHONE, launchActor } from './support/browser';
import {
  DEMO,
  launcher,
  loginConsole,
  loginInApp,
  openFromDirectory,
  send,
  waitForMark,
  waitForMessage,
  widgetFrame,
} from './support/flows';
import { scenario } from './support/scenario';
import { type Server, startServer } from './support/server';
import { waitUntil } from './support/wait';

const SHOTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../docs/screenshots');
let server: Server;

beforeAll(async () => {
  server = await startServer();
});

afterAll(async () => {
  await server?.stop();
});

async function shoot(page: Page, name: string): Promise<void> {
  if (process.env.RAASEL_SCREENSHOTS !== '1') return;
  await mkdir(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
}

async function fitsWidth(page: Page, what: string): Promise<void> {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, `${what} scrolls sideways`).toBeLessThanOrEqual(0);
}

test(
  'every surface works at desktop and phone width',
  scenario(async () => {
    const agent = await launchActor('agent');
    await loginConsole(agent.page, server.url, DEMO.admin.email, DEMO.admin.password, server.api);

    // A visitor on the demo page (same origin as Raasel here).
    const visitor = await launchActor('visitor');
    await visitor.page.goto(`${server.url}/demo`);
    await launcher(visitor.page).click();
    const frame = await widgetFrame(visitor.page);
    await send(frame, 'Hi! Do you ship to Norway?');
    await agent.page.getByRole('link', { name: /My conversations/ }).click();
    await agent.page.locator('.session-item').first().click();
    await waitForMessage(agent.page, 'Hi! Do you ship to Norway?', 'the agent');
    await send(agent.page, 'We do: 3 to 5 working days, free from 40 €.');
    await waitForMessage(frame, 'We do: 3 to 5 working days, free from 40 €.', 'the visitor');
    await send(frame, 'Perfect, thank you!');
    await waitForMark(frame, 'Perfect, thank you!', 'read', 'the visitor');
    await shoot(visitor.page, 'widget-desktop');

    // A customer in the app.
    const customer = await launchActor('customer');
    await loginInApp(customer.page, server.url, DEMO.customer.email, DEMO.customer.password);
    await openFromDirectory(customer.page, 'sample', DEMO.domain);
    await send(customer.page, 'Hello, my order #1042 has not arrived yet.');
    await agent.page.locator('.session-item', { hasText: 'alice' }).click();
    await waitForMessage(agent.page, 'Hello, my order #1042 has not arrived yet.', 'the agent');
    await send(agent.page, 'Sorry about that, Alice. It left our warehouse this morning.');
    await waitForMessage(customer.page, 'Sorry about that, Alice. It left our warehouse this morning.', 'the customer');
    await customer.page.locator('#composer-text').pressSequentially('Great, thanks');
    await waitUntil(async () => (await agent.page.locator('.typing').textContent())?.includes('typing'), {
      message: 'the agent sees the customer typing',
    });
    await shoot(customer.page, 'customer-app-desktop');
    await shoot(agent.page, 'console-desktop');

    // Phone width: the customer app shows one pane at a time.
    await customer.page.setViewportSize(PHONE);
    await customer.page.getByRole('button', { name: 'Back to conversations' }).waitFor();
    await fitsWidth(customer.page, 'the customer app on a phone');
    await expectAccessible(customer.page, 'the customer app on a phone');
    await shoot(customer.page, 'customer-app-phone');
    await customer.page.getByRole('button', { name: 'Back to conversations' }).click();
    await customer.page.getByRole('heading', { name: 'Your conversations' }).waitFor();
    await fitsWidth(customer.page, 'the conversation list on a phone');

    // The console on a phone: navigation on top, the list or the conversation.
    await agent.page.setViewportSize(PHONE);
    await agent.page.getByRole('link', { name: 'Back to the list' }).waitFor();
    await fitsWidth(agent.page, 'the console on a phone');
    await expectAccessible(agent.page, 'the console on a phone');
    await shoot(agent.page, 'console-phone');
    await agent.page.getByRole('link', { name: 'Back to the list' }).click();
    await agent.page.locator('.session-list').waitFor();
    await fitsWidth(agent.page, 'the console list on a phone');

    // The widget fills a phone's screen.
    await visitor.page.setViewportSize(PHONE);
    const iframe = visitor.page.locator('iframe[data-raasel-frame]');
    await waitUntil(async () => (await iframe.boundingBox())?.width === PHONE.width, { message: 'the widget fills the phone' });
    await expectAccessible(await widgetFrame(visitor.page), 'the widget on a phone');
    await shoot(visitor.page, 'widget-phone');
    await frame.getByRole('button', { name: 'Close chat' }).click();
    await launcher(visitor.page).waitFor({ state: 'visible' });

    // The dark theme follows the system's preference and stays readable.
    for (const actor of [customer, agent, visitor]) await actor.page.emulateMedia({ colorScheme: 'dark' });
    const dark = await customer.page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(dark).toBe('rgb(17, 19, 24)');
    await expectAccessible(customer.page, 'the customer app in the dark theme');
    await expectAccessible(agent.page, 'the console in the dark theme');
    await launcher(visitor.page).click();
    await expectAccessible(await widgetFrame(visitor.page), 'the widget in the dark theme');
  }),
);
