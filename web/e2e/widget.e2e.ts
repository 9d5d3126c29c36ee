// A visitor chats through the widget embedded on a page of another origin while an agent
// answers in the console: typing and check marks on both sides, the assigned agent's name,
// history and an unread badge across page loads.

import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { expectAccessible } from './support/a11y';
import { launchActor } from './support/browser';
import {
  DEMO,
  launcher,
  loginConsole,
  send,
  shownMessages,
  typingText,
  waitForMark,
  waitForMessage,
  widgetFrame,
} from './support/flows';
import { type HostSite, startHostSite } from './support/host-page';
import { scenario } from './support/scenario';
import { type Server, startServer } from './support/server';
import { waitUntil } from './support/wait';

let server: Server;
let host: HostSite;

beforeAll(async () => {
  server = await startServer();
  host = await startHostSite(server.url, { 'data-organization': DEMO.domain });
});

afterAll(async () => {
  await host?.close();
  await server?.stop();
});

test(
  'a visitor on another site chats with an agent in the console',
  scenario(async () => {
    const agent = await launchActor('agent');
    await loginConsole(agent.page, server.url, DEMO.admin.email, DEMO.admin.password, server.api);

    const visitor = await launchActor('visitor');
    await visitor.page.goto(host.url);
    const button = launcher(visitor.page);
    await button.waitFor();
    expect(await button.getAttribute('data-color')).toBe('#2563eb');
    expect(visitor.page.frames().some((f) => f.url().includes('/widget/')), 'no chat window before the click').toBe(false);
    await expectAccessible(visitor.page, 'the host page with the launcher');

    await button.click();
    const frame = await widgetFrame(visitor.page);
    await frame.getByText('Hi! Welcome to Sample. How can we help?').waitFor();
    await send(frame, 'Hello, where is my order?');
    await waitForMark(frame, 'Hello, where is my order?', 'sent', 'the visitor');

    // John is the only agent online: the conversation is his at once.
    await agent.page.getByRole('link', { name: /My conversations/ }).click();
    const item = agent.page.locator('.session-item').first();
    await item.waitFor();
    await item.click();
    await waitForMessage(agent.page, 'Hello, where is my order?', 'the agent');
    await waitForMark(frame, 'Hello, where is my order?', 'read', 'the visitor');
    await waitUntil(async () => (await frame.locator('[data-answerer]').textContent())?.includes('John Smith'), {
      message: "the visitor sees the agent's name",
    });

    // Typing, both ways.
    await agent.page.locator('#composer-text').pressSequentially('Let me check');
    await waitUntil(async () => (await typingText(frame)).includes('John Smith is typing'), { message: 'the visitor sees the agent typing' });
    await agent.page.locator('#composer-text').fill('');
    await send(agent.page, 'It ships tomorrow.');
    await waitForMessage(frame, 'It ships tomorrow.', 'the visitor');
    await waitUntil(async () => (await typingText(frame)) === '', { message: 'the typing indicator ends with the message' });
    await waitForMark(agent.page, 'It ships tomorrow.', 'read', 'the agent');

    await frame.locator('#composer-text').pressSequentially('Great');
    await waitUntil(async () => (await typingText(agent.page)).includes('is typing'), { message: 'the agent sees the visitor typing' });
    await frame.locator('#composer-text').press('Enter');
    await waitForMessage(agent.page, 'Great', 'the agent');

    await expectAccessible(frame, 'the widget chat window');
    await expectAccessible(agent.page, 'the console conversation');

    // A later page load: the frame loads hidden at once, and a message shows an unread badge.
    await visitor.page.reload();
    await launcher(visitor.page).waitFor();
    await widgetFrame(visitor.page);
    await send(agent.page, 'Anything else?');
    await waitUntil(async () => (await launcher(visitor.page).locator('[data-unread]').textContent()) === '1', {
      message: 'the launcher shows one unread message',
    });
    await launcher(visitor.page).click();
    const again = await widgetFrame(visitor.page);
    await waitForMessage(again, 'Anything else?', 'the visitor after the reload');
    expect(await shownMessages(again)).toEqual(await shownMessages(agent.page));
  }),
);

test(
  'a verified visitor keeps one history on another device',
  scenario(async () => {
    const { email, password } = DEMO.admin;
    const { token, agent } = await server.api('POST', '/api/agents/login', { body: { email, password } });
    // An identity secret is 32 to 256 characters without spaces.
    const secret = 'shop-secret-1-0123456789abcdef0123456789';
    await server.api('PUT', `/api/organizations/${agent.organization_id}`, {
      token,
      body: { settings: { widget_identity_secret: secret } },
    });
    const hash = createHmac('sha256', secret).update('user-42').digest('hex');
    const site = await startHostSite(server.url, {
      'data-organization': DEMO.domain,
      'data-external-id': 'user-42',
      'data-identity-hash': hash,
    });
    try {
      const laptop = await launchActor('laptop');
      await laptop.page.goto(site.url);
      await launcher(laptop.page).click();
      const first = await widgetFrame(laptop.page);
      await send(first, 'Written on my laptop');
      await waitForMark(first, 'Written on my laptop', 'sent', 'the visitor on the laptop');

      const phone = await launchActor('phone');
      await phone.page.goto(site.url);
      await launcher(phone.page).click();
      const second = await widgetFrame(phone.page);
      await waitForMessage(second, 'Written on my laptop', 'the same visitor on another device');
    } finally {
      await site.close();
    }
  }),
);
