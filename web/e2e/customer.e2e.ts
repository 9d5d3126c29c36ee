// A customer registers in the app, finds organizations in the directory and chats: welcome and
// offline messages, check marks, the agent's name, unread counts across conversations.

import { afterAll, beforeAll, expect, test } from 'vitest';
import { expectAccessible } from './support/a11y';
import { launchActor } from './support/browser';
import {
  DEMO,
  createOrganization,
  loginConsole,
  markOf,
  openFromDirectory,
  registerInApp,
  send,
  shownMessages,
  waitForMark,
  waitForMessage,
} from './support/flows';
import { scenario } from './support/scenario';
import { type Server, startServer } from './support/server';
import { waitUntil } from './support/wait';

let server: Server;

beforeAll(async () => {
  server = await startServer();
});

afterAll(async () => {
  await server?.stop();
});

test(
  'a customer registers, finds organizations in the directory and chats',
  scenario(async () => {
    await createOrganization(server.api, 'Quiet Tea', { offline_message: 'The tea room is closed. We reply tomorrow.' });
    const agent = await launchActor('agent');
    await loginConsole(agent.page, server.url, DEMO.admin.email, DEMO.admin.password, server.api);

    const customer = await launchActor('customer');
    const page = customer.page;
    await registerInApp(page, server.url, 'maria_app');
    await expectAccessible(page, 'the customer app home');

    await openFromDirectory(page, 'sample', DEMO.domain);
    await page.getByText('Hi! Welcome to Sample. How can we help?').waitFor();
    await send(page, 'Hi from the app');
    await waitForMark(page, 'Hi from the app', 'sent', 'the customer');

    await agent.page.getByRole('link', { name: /My conversations/ }).click();
    await agent.page.locator('.session-item', { hasText: 'maria_app' }).click();
    await waitForMessage(agent.page, 'Hi from the app', 'the agent');
    await waitForMark(page, 'Hi from the app', 'read', 'the customer');
    await waitUntil(async () => (await page.locator('[data-answerer]').textContent())?.includes('John Smith'), {
      message: "the customer sees the agent's name",
    });
    await send(agent.page, 'Hello Maria, how can I help?');
    await waitForMessage(page, 'Hello Maria, how can I help?', 'the customer');
    await waitForMark(agent.page, 'Hello Maria, how can I help?', 'read', 'the agent');

    // Nobody is online at the tea room: its offline message shows, before and after writing.
    await openFromDirectory(page, 'quiet', 'quiet-tea.test');
    await page.locator('[data-offline-message]', { hasText: 'The tea room is closed' }).waitFor();
    await send(page, 'Do you sell oolong?');
    await waitForMark(page, 'Do you sell oolong?', 'sent', 'the customer');
    await page.locator('[data-offline-message]').waitFor();

    // A message in the conversation not on screen counts as unread in the list.
    await send(agent.page, 'Are you still there?');
    const sampleItem = page.locator('.conversation-item', { hasText: 'Sample Inc.' });
    await waitUntil(async () => (await sampleItem.locator('[data-unread]').textContent()) === '1', {
      message: 'one unread message on the Sample conversation',
    });
    expect(await sampleItem.locator('.last-message').textContent()).toContain('Are you still there?');
    await waitForMark(agent.page, 'Are you still there?', 'delivered', 'the agent');
    expect(await markOf(agent.page, 'Are you still there?'), 'delivered, not read: the customer looks elsewhere').toBe('delivered');
    await sampleItem.click();
    await waitForMessage(page, 'Are you still there?', 'the customer');
    await waitUntil(async () => (await sampleItem.locator('[data-unread]').count()) === 0, { message: 'the unread count clears' });
    await waitForMark(agent.page, 'Are you still there?', 'read', 'the agent');
    expect(await page.locator('.conversation-item').count()).toBe(2);
    expect(await shownMessages(page)).toEqual(await shownMessages(agent.page));
    await expectAccessible(page, 'the customer app with a conversation');
  }),
);
