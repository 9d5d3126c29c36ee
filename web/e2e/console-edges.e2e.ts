// The console's finer points, each as a person meets it: list previews without system notes, a
// tab title that counts conversations, transfer and close that ask before acting on a choice or
// on someone else's conversation, reopening, long messages kept whole, links, the Agents page on
// a phone, the lost-connection notice, delivered marks before a conversation is opened, and a team
// list that keeps a status change arriving while it loads.

import type { Frame, Page, Route, WebSocketRoute } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { expectAccessible } from './support/a11y';
import { PHONE, launchActor } from './support/browser';
import {
  customerWrites,
  desk,
  listItem,
  launcher,
  loginConsole,
  markOf,
  openFromDirectory,
  registerInApp,
  send,
  shownMessages,
  waitForMark,
  waitForMessage,
  widgetFrame,
} from './support/flows';
import { type HostSite, startHostSite } from './support/host-page';
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

/** Screenshots to look at while changing these screens (RAASEL_SHOTS=<dir>): desktop and phone. */
async function shoot(page: Page, name: string): Promise<void> {
  const dir = process.env.RAASEL_SHOTS;
  if (!dir) return;
  const size = page.viewportSize();
  await page.screenshot({ path: `${dir}/${name}.png` });
  if (size?.width === PHONE.width) return;
  await page.setViewportSize(PHONE);
  await page.screenshot({ path: `${dir}/${name}-phone.png` });
  if (size) await page.setViewportSize(size);
}


async function previewOf(page: Page, sessionId: string): Promise<string> {
  return (await listItem(page, sessionId).locator('.last-message').textContent()) ?? '';
}

/** Waits until the open conversation shows the message with this seq (a note or a bubble). */
async function waitForSeq(page: Page, seq: number, who: string): Promise<void> {
  await page.locator(`.messages [data-seq="${seq}"]`).waitFor({ timeout: 15_000 }).catch(() => {
    throw new Error(`${who} sees no message with seq ${seq}`);
  });
}

test(
  'conversation previews show what people wrote, never a system note',
  scenario(async () => {
    const org = await desk(server.api, 'Preview Desk', [{ name: 'Ravi Rao', email: 'ravi@preview-desk.test', role: 'agent' }]);
    const admin = await launchActor('admin');
    await loginConsole(admin.page, server.url, org.admin.email, org.admin.password, server.api);
    const customer = await launchActor('customer');
    await registerInApp(customer.page, server.url, 'preview_fan');
    await openFromDirectory(customer.page, 'preview desk', org.domain);
    await send(customer.page, 'Where is my parcel?');

    // The admin is the only agent online: the conversation is theirs at once, with a note.
    await waitForSeq(customer.page, 2, 'the customer (the note that the admin joined)');
    await admin.page.getByRole('link', { name: /My conversations/ }).click();
    const item = admin.page.locator('.session-item').first();
    await item.click();
    await waitForSeq(admin.page, 2, 'the admin');
    const sessionId = (await item.getAttribute('data-session'))!;
    expect(await previewOf(admin.page, sessionId)).toBe('Where is my parcel?');
    await waitUntil(async () => (await customer.page.locator('.conversation-item .last-message').textContent()) === 'You: Where is my parcel?', {
      message: "the customer's list previews their message, not the note",
    });

    // Transferred: another note; the list of all conversations still previews the question.
    await admin.page.getByLabel('Transfer to').selectOption({ label: 'Ravi Rao (offline)' });
    await admin.page.getByRole('button', { name: 'Transfer' }).click();
    await waitForSeq(admin.page, 3, 'the admin (the transfer note)');
    await admin.page.getByRole('link', { name: 'All conversations' }).click();
    await waitUntil(async () => (await previewOf(admin.page, sessionId)) === 'Where is my parcel?', {
      message: 'the preview after the transfer is the question',
    });

    // Ravi answers, then closes: the answer stays the preview, in the console and the app.
    const ravi = org.agents['ravi@preview-desk.test'];
    await server.api('POST', `/api/sessions/${sessionId}/messages`, { token: ravi.token, body: { content: 'It ships today.' } });
    await waitUntil(async () => (await previewOf(admin.page, sessionId)) === 'It ships today.', { message: "the preview is Ravi's answer" });
    await server.api('PUT', `/api/sessions/${sessionId}/close`, { token: ravi.token });
    await listItem(admin.page, sessionId).click();
    await waitForSeq(admin.page, 5, 'the admin (the closing note)');
    expect(await previewOf(admin.page, sessionId)).toBe('It ships today.');
    await waitForSeq(customer.page, 5, 'the customer (the closing note)');
    expect(await customer.page.locator('.conversation-item .last-message').textContent()).toBe('(ended) It ships today.');
  }),
);

test(
  "a private note previews as a note for agents, and the customer reads past the seq it took",
  scenario(async () => {
    const org = await desk(server.api, 'Note Desk');
    const admin = await launchActor('admin');
    await loginConsole(admin.page, server.url, org.admin.email, org.admin.password, server.api);
    const customer = await launchActor('customer');
    await registerInApp(customer.page, server.url, 'note_reader');
    await openFromDirectory(customer.page, 'note desk', org.domain);
    await send(customer.page, 'Hi, I need help');
    await waitForSeq(customer.page, 2, 'the customer (the note that the admin joined)');

    await admin.page.getByRole('link', { name: /My conversations/ }).click();
    const item = admin.page.locator('.session-item', { hasText: 'note_reader' });
    await item.click();
    const sessionId = (await item.getAttribute('data-session'))!;
    await waitForSeq(admin.page, 2, 'the admin');

    // Seq 3 is a private note: agents preview it as a note; the customer never gets it.
    await server.api('POST', `/api/sessions/${sessionId}/messages`, { token: org.token, body: { content: 'VIP, be nice', internal: true } });
    await waitUntil(async () => (await previewOf(admin.page, sessionId)) === 'Note: VIP, be nice', { message: 'the note previews as a note' });

    // Seq 4 reaches the customer after 2: the missing 3 is a hole, so their read mark moves to 4.
    await send(admin.page, 'Hello! How can I help?');
    await waitForMessage(customer.page, 'Hello! How can I help?', 'the customer');
    await waitForMark(admin.page, 'Hello! How can I help?', 'read', 'the admin');
    expect(await customer.page.locator('.messages [data-seq="3"]').count()).toBe(0);
    expect(await customer.page.locator('[data-catching-up]').count()).toBe(0);
    expect(await customer.page.locator('.conversation-item .last-message').textContent()).toBe('Hello! How can I help?');
    await waitUntil(async () => (await previewOf(admin.page, sessionId)) === 'Hello! How can I help?', { message: 'the reply previews after the note' });
  }),
);

test(
  'the tab title counts each conversation with unseen messages once',
  scenario(async () => {
    const org = await desk(server.api, 'Title Desk');
    const admin = await launchActor('admin');
    await loginConsole(admin.page, server.url, org.admin.email, org.admin.password, server.api);
    await admin.page.getByRole('link', { name: /My conversations/ }).click();

    const first = await customerWrites(server.api, org.organization.id, 'first question');
    const second = await customerWrites(server.api, org.organization.id, 'second question');
    for (const c of [first, second]) {
      await c.write('are you there?');
      await c.write('hello?');
    }
    for (const c of [first, second]) {
      await waitUntil(async () => (await previewOf(admin.page, c.sessionId)) === 'hello?', { message: 'each last message reached the list' });
    }
    expect(await admin.page.title()).toBe('(2) Raasel console');
    await shoot(admin.page, 'title-two-unseen');

    await listItem(admin.page, first.sessionId).click();
    await waitUntil(async () => (await admin.page.title()) === '(1) Raasel console', { message: 'one conversation left unseen' });
  }),
);

test(
  "after a transfer the choice is cleared, and closing someone else's conversation asks first",
  scenario(async () => {
    const org = await desk(server.api, 'Handover Desk', [
      { name: 'Ravi Rao', email: 'ravi@handover-desk.test', role: 'agent' },
      { name: 'Mia Moss', email: 'mia@handover-desk.test', role: 'agent' },
    ]);
    const admin = await launchActor('admin');
    const page = admin.page;
    await loginConsole(page, server.url, org.admin.email, org.admin.password, server.api);
    const { sessionId, token } = await customerWrites(server.api, org.organization.id, 'Can someone help?');
    await page.getByRole('link', { name: /My conversations/ }).click();
    await listItem(page, sessionId).click();
    await page.locator('[data-status="active"]', { hasText: 'Assigned to you' }).waitFor();

    // Closing my own conversation asks nothing: that comes later; first, hand it over.
    const transfer = page.getByRole('button', { name: 'Transfer' });
    const target = page.getByLabel('Transfer to');
    await target.selectOption({ label: 'Ravi Rao (offline)' });
    await transfer.click();
    await page.locator('[data-status="active"]', { hasText: 'Assigned to Ravi Rao' }).waitFor();
    expect(await target.inputValue()).toBe('');
    expect(await transfer.isDisabled()).toBe(true);
    await target.selectOption({ label: 'Mia Moss (offline)' });
    expect(await transfer.isDisabled()).toBe(false);

    // Now it is Ravi's: closing asks, in the page.
    await page.getByRole('button', { name: 'Close', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Close this conversation?' });
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('It is assigned to Ravi Rao');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Cancel');
    await expectAccessible(page, 'the close confirmation');
    await shoot(page, 'close-confirmation');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect((await server.api('GET', `/api/sessions/${sessionId}`, { token })).session.status).toBe('active');

    await page.getByRole('button', { name: 'Close', exact: true }).click();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByRole('button', { name: 'Close', exact: true }).click();
    await dialog.getByRole('button', { name: 'Close conversation' }).click();
    await page.locator('[data-status="closed"]').waitFor();
    expect((await server.api('GET', `/api/sessions/${sessionId}`, { token })).session.status).toBe('closed');
  }),
);

test(
  'an agent reopens a closed conversation and writes in it; closing their own asks nothing',
  scenario(async () => {
    const org = await desk(server.api, 'Reopen Desk');
    const admin = await launchActor('admin');
    const page = admin.page;
    await loginConsole(page, server.url, org.admin.email, org.admin.password, server.api);
    const { sessionId, token } = await customerWrites(server.api, org.organization.id, 'My order never came.');
    await page.getByRole('link', { name: /My conversations/ }).click();
    await listItem(page, sessionId).click();

    // My own conversation closes at once.
    await page.getByRole('button', { name: 'Close', exact: true }).click();
    await page.locator('[data-status="closed"]').waitFor();
    expect(await page.getByRole('dialog').count()).toBe(0);
    expect(await page.locator('#composer-text').isDisabled()).toBe(true);
    await expectAccessible(page, 'a closed conversation');
    await shoot(page, 'closed-conversation');

    await page.getByRole('button', { name: 'Reopen', exact: true }).click();
    await page.locator('[data-status="active"]', { hasText: 'Assigned to you' }).waitFor();
    const { session } = await server.api('GET', `/api/sessions/${sessionId}`, { token });
    expect(session.status).toBe('active');
    expect(session.agent_id).toBe(org.adminId);
    await send(page, 'Reopened: let me look again.');
    await waitForMessage(page, 'Reopened: let me look again.', 'the admin');
    await shoot(page, 'reopened-conversation');
  }),
);

const LIMIT = 4000;

/** The composer keeps text over the limit, counts it, and refuses to send it; at the limit it sends. */
async function checkLongText(scope: Page | Frame, who: string, shot: { page: Page; name: string }): Promise<void> {
  const box = scope.locator('#composer-text');
  expect(await box.getAttribute('maxlength'), `${who}: no maxlength`).toBeNull();
  await box.fill('a'.repeat(LIMIT + 12));
  expect(await scope.locator('#composer-count').textContent()).toBe('4,012 / 4,000');
  await box.press('Enter');
  const alert = scope.getByRole('alert');
  await alert.waitFor();
  expect(await alert.textContent()).toContain('12 characters too long');
  expect((await box.inputValue()).length, `${who}: the text stays whole`).toBe(LIMIT + 12);
  expect(await scope.locator('[data-pending]').count(), `${who}: nothing was sent`).toBe(0);
  await shoot(shot.page, shot.name);

  await box.fill('b'.repeat(LIMIT));
  expect(await scope.locator('#composer-count').textContent()).toBe('4,000 / 4,000');
  expect(await scope.getByRole('alert').count()).toBe(0);
  await box.press('Enter');
  await waitUntil(async () => (await shownMessages(scope)).includes('b'.repeat(LIMIT)), { message: `${who} sent the message at the limit` });
  expect(await box.inputValue()).toBe('');
}

test(
  'a message over 4,000 characters is kept whole, counted and refused, in the console, the app and the widget',
  scenario(async () => {
    const org = await desk(server.api, 'Long Desk');
    const host: HostSite = await startHostSite(server.url, { 'data-organization': org.domain });
    try {
      const admin = await launchActor('admin');
      await loginConsole(admin.page, server.url, org.admin.email, org.admin.password, server.api);

      const customer = await launchActor('customer');
      await registerInApp(customer.page, server.url, 'long_writer');
      await openFromDirectory(customer.page, 'long desk', org.domain);
      await checkLongText(customer.page, 'the customer app', { page: customer.page, name: 'app-long-text' });

      await admin.page.getByRole('link', { name: /My conversations/ }).click();
      await admin.page.locator('.session-item').first().click();
      await checkLongText(admin.page, 'the console', { page: admin.page, name: 'console-long-text' });
      await admin.page.locator('#composer-text').fill('c'.repeat(LIMIT + 12));
      await admin.page.locator('#composer-text').press('Enter');
      await expectAccessible(admin.page, 'the console composer over the limit');

      const visitor = await launchActor('visitor');
      await visitor.page.goto(host.url);
      await launcher(visitor.page).click();
      const frame = await widgetFrame(visitor.page);
      await frame.locator('[data-welcome]').waitFor();
      await checkLongText(frame, 'the widget', { page: visitor.page, name: 'widget-long-text' });
      await frame.locator('#composer-text').fill('d'.repeat(LIMIT + 1));
      await frame.locator('#composer-text').press('Enter');
      await expectAccessible(frame, 'the widget composer over the limit');
    } finally {
      await host.close();
    }
  }),
);

test(
  'links in messages open in a new tab and markup shows as text, in the console, the widget and the app',
  scenario(async () => {
    const org = await desk(server.api, 'Link Desk');
    const host = await startHostSite(server.url, { 'data-organization': org.domain });
    try {
      const admin = await launchActor('admin');
      await loginConsole(admin.page, server.url, org.admin.email, org.admin.password, server.api);
      const visitor = await launchActor('visitor');
      await visitor.page.goto(host.url);
      await launcher(visitor.page).click();
      const frame = await widgetFrame(visitor.page);
      const tricky = '<b>bold</b> <img src=x onerror="alert(1)"> see https://example.com/track?id=7. javascript:alert(1)';
      await send(frame, tricky);

      await admin.page.getByRole('link', { name: /My conversations/ }).click();
      await admin.page.locator('.session-item').first().click();
      await waitForMessage(admin.page, tricky, 'the admin');
      const bubble = admin.page.locator('.bubble.theirs', { hasText: 'see https://example.com' });
      const links = await bubble.locator('.content a').evaluateAll((els) =>
        els.map((a) => ({ href: a.getAttribute('href'), target: a.getAttribute('target'), rel: a.getAttribute('rel'), text: a.textContent })),
      );
      expect(links).toEqual([
        { href: 'https://example.com/track?id=7', target: '_blank', rel: 'noopener noreferrer nofollow', text: 'https://example.com/track?id=7' },
      ]);
      expect(await bubble.locator('.content b, .content img').count()).toBe(0);
      await expectAccessible(admin.page, 'a message with a link');
      await shoot(admin.page, 'console-link');

      await send(admin.page, 'Track it at https://example.org/parcels/7, or (https://example.org/help).');
      const reply = frame.locator('.bubble.theirs', { hasText: 'Track it at' });
      await reply.waitFor();
      expect(await reply.locator('.content a').evaluateAll((els) => els.map((a) => a.getAttribute('href')))).toEqual([
        'https://example.org/parcels/7',
        'https://example.org/help',
      ]);
      await expectAccessible(frame, 'the widget with a link');

      const customer = await launchActor('customer');
      await registerInApp(customer.page, server.url, 'link_reader');
      await openFromDirectory(customer.page, 'link desk', org.domain);
      await send(customer.page, 'Hello from the app');
      await admin.page.getByRole('link', { name: /My conversations/ }).click();
      await admin.page.locator('.session-item', { hasText: 'link_reader' }).click();
      await waitForMessage(admin.page, 'Hello from the app', 'the admin');
      await send(admin.page, 'See http://example.net/faq');
      const answer = customer.page.locator('.bubble.theirs', { hasText: 'See http' });
      await answer.waitFor();
      expect(await answer.locator('.content a').getAttribute('href')).toBe('http://example.net/faq');
      expect(await answer.locator('.content a').getAttribute('rel')).toBe('noopener noreferrer nofollow');
    } finally {
      await host.close();
    }
  }),
);

test(
  'the Agents page fits a phone screen',
  scenario(async () => {
    const org = await desk(server.api, 'Narrow Desk', [
      { name: 'Maximiliana Oyelaran-Vasquez', email: 'maximiliana.oyelaran-vasquez@narrow-desk.test', role: 'supervisor' },
      { name: 'Ravi Rao', email: 'ravi@narrow-desk.test', role: 'agent' },
    ]);
    const admin = await launchActor('admin', PHONE);
    const page = admin.page;
    await loginConsole(page, server.url, org.admin.email, org.admin.password, server.api);
    await page.getByRole('link', { name: 'Agents' }).click();
    await page.locator('tr[data-agent="ravi@narrow-desk.test"]').waitFor();
    await page.locator('tr[data-agent="ravi@narrow-desk.test"]').getByRole('button', { name: 'Delete Ravi Rao' }).click();
    const width = await page.evaluate(() => document.scrollingElement!.scrollWidth);
    expect(width).toBeLessThanOrEqual(PHONE.width);
    // Nothing inside scrolls sideways either: every control is on screen.
    const hidden = await page.locator('.admin button, .admin select, .admin input').evaluateAll((els) =>
      els.filter((e) => {
        const r = e.getBoundingClientRect();
        return r.width > 0 && (r.left < 0 || r.right > window.innerWidth);
      }).length,
    );
    expect(hidden).toBe(0);
    await expectAccessible(page, 'the Agents page on a phone');
    await shoot(page, 'agents-phone');
    if (process.env.RAASEL_SHOTS) {
      await page.setViewportSize({ width: 1280, height: 800 });
      await shoot(page, 'agents-desktop');
    }
  }),
);

/**
 * Puts the page's Socket.IO traffic behind a switch: while cut, its WebSocket is closed and
 * new connection attempts get no answer, as when the server is unreachable.
 */
async function socketSwitch(page: Page) {
  let cut = false;
  let upgraded = false;
  const sockets: WebSocketRoute[] = [];
  const held: Route[] = [];
  await page.routeWebSocket(/\/socket\.io\//, (ws) => {
    ws.connectToServer();
    sockets.push(ws);
  });
  await page.route(/\/socket\.io\//, (route) => (cut ? held.push(route) : route.continue()));
  // Socket.IO starts on HTTP long-polling and moves to the WebSocket ("5" completes the move).
  page.on('websocket', (ws) => ws.on('framesent', (f) => (upgraded ||= f.payload === '5')));
  return {
    async cut() {
      await waitUntil(() => upgraded, { message: 'the socket moved to its WebSocket' });
      cut = true;
      for (const ws of sockets.splice(0)) await ws.close({ code: 1001, reason: 'going away' }).catch(() => undefined);
    },
    async restore() {
      cut = false;
      // A held attempt the page already gave up on cannot be continued; the next one goes through.
      for (const route of held.splice(0)) await route.continue().catch(() => undefined);
    },
  };
}

test(
  'the console header says when the connection is lost, and clears when it is back',
  scenario(async () => {
    const org = await desk(server.api, 'Signal Desk');
    const admin = await launchActor('admin');
    const page = admin.page;
    const network = await socketSwitch(page);
    await loginConsole(page, server.url, org.admin.email, org.admin.password, server.api);
    const notice = page.locator('.topbar [role="status"]', { hasText: 'Reconnecting…' });
    expect(await notice.count()).toBe(0);

    await network.cut();
    await notice.waitFor();
    await expectAccessible(page, 'the console while reconnecting');
    await shoot(page, 'console-reconnecting');

    await network.restore();
    await notice.waitFor({ state: 'detached', timeout: 20_000 });
    // Back for real: a customer's new conversation reaches the console.
    const { sessionId } = await customerWrites(server.api, org.organization.id, 'Anyone back?');
    await page.getByRole('link', { name: /My conversations/ }).click();
    await listItem(page, sessionId).waitFor();

    // A console loaded while the server cannot be reached says so once its first attempt fails
    // (socket.io gives up on an unanswered attempt after 10 s).
    await network.cut();
    await page.reload();
    const connecting = page.locator('.topbar [role="status"]', { hasText: 'Connecting…' });
    await connecting.waitFor({ timeout: 25_000 });
    await network.restore();
    await connecting.waitFor({ state: 'detached', timeout: 20_000 });
    await listItem(page, sessionId).waitFor();
  }),
);

test(
  "a new conversation's first message shows delivered while the console lists it, before anyone opens it",
  scenario(async () => {
    const org = await desk(server.api, 'Delivery Desk');
    const admin = await launchActor('admin');
    await loginConsole(admin.page, server.url, org.admin.email, org.admin.password, server.api);

    // Busy: the conversation waits in the queue, where the console lists it.
    await server.api('PUT', `/api/agents/${org.adminId}/status`, { token: org.token, body: { status: 'busy' } });
    const customer = await launchActor('customer');
    await registerInApp(customer.page, server.url, 'delivery_first');
    await openFromDirectory(customer.page, 'delivery desk', org.domain);
    await send(customer.page, 'Is anyone there?');
    await admin.page.locator('.session-item', { hasText: 'delivery_first' }).waitFor();
    await waitForMark(customer.page, 'Is anyone there?', 'delivered', 'the customer (queued)');
    expect(await markOf(customer.page, 'Is anyone there?')).toBe('delivered');

    // Active: a visitor's conversation is assigned to the admin at once, and delivered too.
    await server.api('PUT', `/api/agents/${org.adminId}/status`, { token: org.token, body: { status: 'active' } });
    const host = await startHostSite(server.url, { 'data-organization': org.domain });
    try {
      const visitor = await launchActor('visitor');
      await visitor.page.goto(host.url);
      await launcher(visitor.page).click();
      const frame = await widgetFrame(visitor.page);
      await send(frame, 'Hello from the shop');
      await waitForMark(frame, 'Hello from the shop', 'delivered', 'the visitor (assigned)');
      expect(await markOf(frame, 'Hello from the shop')).toBe('delivered');
      expect(admin.page.url()).not.toContain('/mine/');
    } finally {
      await host.close();
    }
  }),
);

test(
  "a teammate's status change that arrives while the team list loads is kept",
  scenario(async () => {
    const org = await desk(server.api, 'Status Desk', [{ name: 'Ravi Rao', email: 'ravi@status-desk.test', role: 'agent' }]);
    const admin = await launchActor('admin');
    await loginConsole(admin.page, server.url, org.admin.email, org.admin.password, server.api);

    // Ravi's first team list is read now (the admin active) but arrives only after the event.
    const ravi = await launchActor('ravi');
    let releaseList!: () => void;
    const listHeld = new Promise<void>((resolve) => (releaseList = resolve));
    let lists = 0;
    let laterListsServed = 0;
    await ravi.page.route(/\/api\/agents\/organization\/[^/]+$/, async (route) => {
      const first = lists++ === 0;
      const answer = await route.fetch();
      if (first) await listHeld;
      await route.fulfill({ response: answer });
      if (!first) laterListsServed += 1;
    });
    let upgraded = false;
    let sawBusy = false;
    ravi.page.on('websocket', (ws) => {
      ws.on('framesent', (f) => (upgraded ||= f.payload === '5'));
      ws.on('framereceived', (f) => (sawBusy ||= String(f.payload).includes('"agent_status_updated"') && String(f.payload).includes('"busy"')));
    });
    await loginConsole(ravi.page, server.url, 'ravi@status-desk.test', 'agent-password-1', server.api);
    await waitUntil(() => lists > 0 && upgraded, { message: "Ravi's list asked for, and his socket on WebSocket" });

    await admin.page.getByLabel('My status').selectOption('busy');
    await waitUntil(() => sawBusy, { message: "Ravi's console received the status event" });
    // The event names an agent Ravi's console has not listed yet: it asks for the list again, and
    // that newer answer lands first; the first (older) answer comes last.
    await waitUntil(() => laterListsServed > 0, { message: "Ravi's console asked for the team again" });
    releaseList();
    await ravi.page.getByText('Nobody is waiting.').waitFor();
    const row = ravi.page.locator(`.team-list li[data-agent="${org.admin.email}"]`);
    expect(await row.textContent()).toContain('busy');
  }),
);
