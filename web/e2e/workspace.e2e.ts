// The agents' workspace, as agents use it in the console: private notes that the visitor never
// sees and that mention a teammate, canned replies typed as /shortcut, labels and priority that
// reach other consoles live and filter the lists, the customer panel with what the widget saw
// and earlier conversations, search with Ctrl+K, and the keyboard. Every new screen passes
// axe-core, and the rarely used ones load their code only when opened.

import type { Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { expectAccessible } from './support/a11y';
import { PHONE, launchActor } from './support/browser';
import {
  customerWrites,
  desk,
  launcher,
  listItem,
  loginConsole,
  send,
  shownMessages,
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

/** Screenshots to look at while changing these screens (RAASEL_SHOTS=<dir>). */
async function shoot(page: Page, name: string): Promise<void> {
  const dir = process.env.RAASEL_SHOTS;
  if (dir) await page.screenshot({ path: `${dir}/workspace-${name}.png` });
}


/** Script files the page asked for, to tell when a lazily loaded screen's code arrived. */
function scriptRequests(page: Page): string[] {
  const urls: string[] = [];
  page.on('request', (r) => {
    if (r.resourceType() === 'script') urls.push(r.url());
  });
  return urls;
}

function loaded(urls: string[], chunk: string): boolean {
  return urls.some((u) => u.includes(`/assets/${chunk}-`));
}

async function openConversation(page: Page, view: RegExp | string, sessionId: string): Promise<void> {
  await page.getByRole('link', { name: view }).first().click();
  await listItem(page, sessionId).click();
  await page.locator('.pane .pane-title').waitFor();
}

test(
  'a private note is marked for agents, never reaches the visitor, and its mention reaches the teammate live',
  scenario(async () => {
    const org = await desk(server.api, 'Note Desk', [{ name: 'Jane Doe', email: 'jane@note-desk.test', role: 'agent' }]);
    const host: HostSite = await startHostSite(server.url, { 'data-organization': org.domain });
    try {
      const admin = await launchActor('admin');
      await loginConsole(admin.page, server.url, org.admin.email, org.admin.password, server.api);
      const visitor = await launchActor('visitor');
      await visitor.page.goto(host.url);
      await launcher(visitor.page).click();
      const frame = await widgetFrame(visitor.page);
      await frame.locator('[data-welcome]').waitFor();
      await send(frame, 'Hi, my parcel is late.');

      // The admin, alone online, has the conversation; Jane comes online afterwards.
      await admin.page.getByRole('link', { name: /My conversations/ }).click();
      const item = admin.page.locator('.session-item').first();
      await item.click();
      await waitForMessage(admin.page, 'Hi, my parcel is late.', 'the admin');
      const sessionId = (await item.getAttribute('data-session'))!;
      const jane = await launchActor('jane');
      const janeScripts = scriptRequests(jane.page);
      await loginConsole(jane.page, server.url, 'jane@note-desk.test', 'agent-password-1', server.api);

      // The Reply / Note toggle is reached and switched by keyboard.
      const replyMode = admin.page.getByRole('radio', { name: 'Reply' });
      await replyMode.focus();
      await admin.page.keyboard.press('ArrowRight');
      expect(await admin.page.getByRole('radio', { name: 'Note' }).isChecked()).toBe(true);
      await admin.page.keyboard.press('Tab');
      expect(await admin.page.evaluate(() => document.activeElement?.id)).toBe('composer-text');

      // @ offers teammates; Enter picks the active one.
      await admin.page.keyboard.type('@ja');
      const teammates = admin.page.getByRole('listbox', { name: 'Teammates' });
      await teammates.waitFor();
      expect(await teammates.getByRole('option').allTextContents()).toEqual([expect.stringContaining('Jane Doe')]);
      expect(await admin.page.locator('#composer-text').getAttribute('aria-activedescendant')).toBe('composer-option-0');
      await admin.page.keyboard.press('Enter');
      expect(await admin.page.locator('#composer-text').inputValue()).toBe('@Jane Doe ');
      await admin.page.keyboard.type('can you check the courier? The customer sounds upset.');
      await expectAccessible(admin.page, 'the console writing a note');
      await shoot(admin.page, 'note-writing');
      await admin.page.keyboard.press('Enter');

      const note = admin.page.locator('.messages .bubble.note[data-internal="true"]');
      await note.waitFor();
      expect(await note.locator('.note-label').textContent()).toBe('Private note');
      expect(await note.locator('.content').textContent()).toBe('@Jane Doe can you check the courier? The customer sounds upset.');
      const background = await note.evaluate((el) => getComputedStyle(el).backgroundColor);
      expect(background).toBe('rgb(255, 244, 194)');
      expect(await note.locator('.marks').count(), 'a note has no check marks').toBe(0);

      // Jane's header counts the mention at once.
      await jane.page.locator('.mentions-button [data-mentions-unread="1"]').waitFor();

      // The visitor gets the next reply, never the note.
      await admin.page.getByRole('radio', { name: 'Reply' }).check();
      await send(admin.page, 'Your parcel ships today.');
      await waitForMessage(frame, 'Your parcel ships today.', 'the visitor');
      expect(await shownMessages(frame)).toEqual(['Hi, my parcel is late.', 'Your parcel ships today.']);
      expect(await frame.content()).not.toContain('courier');
      const visitorHistory = await frame.evaluate(() => document.body.innerText);
      expect(visitorHistory).not.toContain('Private note');
      await expectAccessible(admin.page, 'the console with a private note');
      await shoot(admin.page, 'note-sent');

      // Jane opens her mentions (loaded on demand): the entry opens the conversation at the note.
      expect(loaded(janeScripts, 'MentionsList'), 'the mentions list loads when opened').toBe(false);
      await jane.page.getByRole('button', { name: /Mentions/ }).click();
      const dialog = jane.page.getByRole('dialog', { name: 'Mentions' });
      await dialog.waitFor();
      expect(loaded(janeScripts, 'MentionsList')).toBe(true);
      const entry = dialog.locator('.mention-item.unread');
      expect(await entry.textContent()).toContain('can you check the courier');
      await expectAccessible(jane.page, 'the mentions list');
      await shoot(jane.page, 'mentions');
      await entry.click();
      await waitUntil(async () => (await jane.page.evaluate(() => location.hash)).endsWith(sessionId), { message: 'Jane is at the conversation' });
      await jane.page.locator('.messages .bubble.note[data-found="true"]').waitFor();
      expect(await jane.page.locator('.messages .bubble.note .content').textContent()).toContain('courier');
      await waitUntil(async () => (await jane.page.locator('[data-mentions-unread]').count()) === 0, { message: "Jane's badge clears" });
      const janeToken = org.agents['jane@note-desk.test'].token;
      await waitUntil(async () => (await server.api('GET', '/api/mentions', { token: janeToken })).unread === 0, {
        message: 'the mention is read on the server',
      });
      // Jane may read but not answer a teammate's conversation: the box is for notes only.
      expect(await jane.page.getByRole('radio', { name: 'Reply' }).isDisabled()).toBe(true);
      expect(await jane.page.getByRole('radio', { name: 'Note' }).isChecked()).toBe(true);
    } finally {
      await host.close();
    }
  }),
);

test(
  'canned replies: saved on their page, typed as /shortcut, chosen with the keyboard and edited before sending',
  scenario(async () => {
    const org = await desk(server.api, 'Canned Desk');
    const admin = await launchActor('admin');
    const scripts = scriptRequests(admin.page);
    await loginConsole(admin.page, server.url, org.admin.email, org.admin.password, server.api);
    expect(loaded(scripts, 'CannedRepliesAdmin'), 'the replies page is not in the first load').toBe(false);

    await admin.page.getByRole('link', { name: 'Canned replies' }).click();
    await admin.page.getByRole('heading', { name: 'Canned replies', level: 1 }).waitFor();
    expect(loaded(scripts, 'CannedRepliesAdmin')).toBe(true);
    const editor = admin.page.getByRole('form', { name: 'New canned reply' });
    await editor.getByLabel('Shortcut').fill('refund');
    await editor.getByLabel('Reply').fill('Hi {{customer.name}}, {{agent.name}} from {{organization.name}} here: refunds take 5 days.');
    await editor.getByLabel('Share with the whole team').check();
    await editor.getByRole('button', { name: 'Create reply' }).click();
    await admin.page.locator('.reply-row[data-shortcut="refund"]').waitFor();
    await admin.page.getByRole('form', { name: 'New canned reply' }).getByLabel('Shortcut').fill('refusal');
    await admin.page.getByRole('form', { name: 'New canned reply' }).getByLabel('Reply').fill('We cannot refund this order.');
    await admin.page.getByRole('form', { name: 'New canned reply' }).getByRole('button', { name: 'Create reply' }).click();
    await admin.page.locator('.reply-row[data-shortcut="refusal"]').waitFor();
    await expectAccessible(admin.page, 'the canned replies page');
    await shoot(admin.page, 'canned-admin');

    // Edit the personal one, delete it after a question.
    await admin.page.getByRole('button', { name: 'Edit /refusal' }).click();
    await admin.page.getByRole('form', { name: 'Edit /refusal' }).getByLabel('Reply').fill('Sorry, this order cannot be refunded.');
    await admin.page.getByRole('form', { name: 'Edit /refusal' }).getByRole('button', { name: 'Save' }).click();
    await admin.page.locator('.reply-row[data-shortcut="refusal"]', { hasText: 'Sorry, this order' }).waitFor();
    const { canned_replies } = await server.api('GET', '/api/canned-replies', { token: org.adminToken });
    expect(canned_replies.map((r: { shortcut: string; owner_id: string | null }) => [r.shortcut, r.owner_id === null])).toEqual([
      ['refund', true],
      ['refusal', false],
    ]);

    // A customer writes; the admin types /re and picks with the keyboard.
    const customer = await customerWrites(server.api, org.organization.id, 'I want my money back');
    await openConversation(admin.page, /My conversations/, customer.sessionId);
    const box = admin.page.locator('#composer-text');
    await waitForMessage(admin.page, 'I want my money back', 'the admin');
    const shownBefore = await admin.page.locator('.messages [data-seq]').count();
    await box.click();
    await admin.page.keyboard.type('/re');
    const picker = admin.page.getByRole('listbox', { name: 'Canned replies' });
    await picker.waitFor();
    expect(await picker.locator('.suggestion-title').allTextContents()).toEqual(['/refundShared', '/refusalPersonal']);
    await expectAccessible(admin.page, 'the canned reply picker');
    await shoot(admin.page, 'canned-picker');
    await admin.page.keyboard.press('ArrowDown');
    expect(await box.getAttribute('aria-activedescendant')).toBe('composer-option-1');
    await admin.page.keyboard.press('ArrowUp');
    expect(await picker.getByRole('option', { selected: true }).textContent()).toContain('/refund');
    // Narrowed as they type; Escape closes it and leaves the text.
    await admin.page.keyboard.type('fun');
    expect(await picker.getByRole('option').count()).toBe(1);
    await admin.page.keyboard.press('Escape');
    await picker.waitFor({ state: 'detached' });
    expect(await box.inputValue()).toBe('/refun');

    await box.fill('');
    await admin.page.keyboard.type('/refun');
    await picker.waitFor();
    await admin.page.keyboard.press('Enter');
    const inserted = `Hi ${customer.username}, Canned Desk Admin from Canned Desk here: refunds take 5 days.`;
    expect(await box.inputValue()).toBe(inserted);
    expect(await admin.page.locator('.messages [data-seq], .messages [data-pending]').count(), 'nothing sent yet').toBe(shownBefore);
    await admin.page.keyboard.type(' Sorry for the wait!');
    await admin.page.keyboard.press('Enter');
    await waitForMessage(admin.page, `${inserted} Sorry for the wait!`, 'the admin');
    const { messages } = await server.api('GET', `/api/sessions/${customer.sessionId}/messages`, { token: customer.token });
    expect(messages.at(-1).content).toBe(`${inserted} Sorry for the wait!`);

    await admin.page.getByRole('link', { name: 'Canned replies' }).click();
    await admin.page.getByRole('button', { name: 'Delete /refusal' }).click();
    await admin.page.getByRole('dialog').getByRole('button', { name: 'Delete reply' }).click();
    await admin.page.locator('.reply-row[data-shortcut="refusal"]').waitFor({ state: 'detached' });
  }),
);

test(
  'labels and priority: an admin makes labels, tags a conversation, and another console sees it live and filters by it',
  scenario(async () => {
    const org = await desk(server.api, 'Label Desk', [{ name: 'Sam Super', email: 'sam@label-desk.test', role: 'supervisor' }]);
    const admin = await launchActor('admin');
    const scripts = scriptRequests(admin.page);
    await loginConsole(admin.page, server.url, org.admin.email, org.admin.password, server.api);

    expect(loaded(scripts, 'LabelsAdmin'), 'the labels page is not in the first load').toBe(false);
    await admin.page.getByRole('link', { name: 'Labels' }).click();
    await admin.page.getByRole('heading', { name: 'Labels', level: 1 }).waitFor();
    expect(loaded(scripts, 'LabelsAdmin')).toBe(true);
    for (const [name, color] of [['VIP', '#7c3aed'], ['Billing', '#16a34a']]) {
      const form = admin.page.getByRole('form', { name: 'New label' });
      await form.getByLabel('Name').fill(name);
      await form.getByLabel('Colour').fill(color);
      await form.getByRole('button', { name: 'Create label' }).click();
      await admin.page.locator(`[data-label-row="${name}"]`).waitFor();
    }
    await expectAccessible(admin.page, 'the labels page');
    await shoot(admin.page, 'labels-admin');

    const first = await customerWrites(server.api, org.organization.id, 'My invoice is wrong');
    const second = await customerWrites(server.api, org.organization.id, 'Just saying hello');
    const sam = await launchActor('sam');
    await loginConsole(sam.page, server.url, 'sam@label-desk.test', 'agent-password-1', server.api);
    await sam.page.getByRole('link', { name: 'All conversations' }).click();
    await listItem(sam.page, first.sessionId).waitFor();
    await listItem(sam.page, second.sessionId).waitFor();

    // The admin tags the first conversation and makes it urgent.
    await openConversation(admin.page, /My conversations/, first.sessionId);
    await admin.page.getByRole('button', { name: '+ Label' }).click();
    await admin.page.getByRole('group', { name: 'Labels of this conversation' }).getByLabel('VIP').check();
    await admin.page.locator('.pane .chip-list .label-chip[data-label="VIP"]').waitFor();
    await admin.page.keyboard.press('Escape');
    await admin.page.getByLabel('Conversation priority').selectOption('urgent');
    await listItem(admin.page, first.sessionId).locator('[data-priority="urgent"]').waitFor();
    await expectAccessible(admin.page, 'a conversation with labels and priority');
    await shoot(admin.page, 'labels-conversation');

    // Sam's list shows both at once, without a reload.
    const samItem = listItem(sam.page, first.sessionId);
    await samItem.locator('.label-chip[data-label="VIP"]').waitFor();
    await samItem.locator('[data-priority="urgent"]').waitFor();
    const list = sam.page.locator('.session-list');

    // Filtering by the label shows it alone; another label shows nothing.
    await list.getByLabel('Label', { exact: true }).selectOption({ label: 'VIP' });
    await waitUntil(async () => (await list.locator('.session-item').count()) === 1, { message: 'only the VIP conversation' });
    expect(await list.locator('.session-item').getAttribute('data-session')).toBe(first.sessionId);
    await list.getByLabel('Label', { exact: true }).selectOption({ label: 'Billing' });
    await list.getByText('No conversation matches these filters.').waitFor();
    await list.getByLabel('Label', { exact: true }).selectOption({ label: 'Any label' });

    // Most urgent first; by priority; by assignee.
    await list.getByLabel('Sort by').selectOption('priority');
    await waitUntil(async () => (await list.locator('.session-item').first().getAttribute('data-session')) === first.sessionId, {
      message: 'the urgent conversation first',
    });
    await list.getByLabel('Priority', { exact: true }).selectOption('urgent');
    await waitUntil(async () => (await list.locator('.session-item').count()) === 1, { message: 'only the urgent conversation' });
    await list.getByLabel('Priority', { exact: true }).selectOption('');
    await list.getByLabel('Assignee').selectOption({ label: 'Label Desk Admin' });
    await waitUntil(async () => (await list.locator('.session-item').count()) === 2, { message: "the admin's two conversations" });
    await list.getByLabel('Assignee').selectOption('');
    await expectAccessible(sam.page, 'the filtered list');
    await shoot(sam.page, 'labels-filtered');

    // A label added in the other console while filtering by it brings the conversation in live.
    await list.getByLabel('Label', { exact: true }).selectOption({ label: 'Billing' });
    await list.getByText('No conversation matches these filters.').waitFor();
    const billing = (await server.api('GET', '/api/labels', { token: org.adminToken })).labels.find((l: { name: string }) => l.name === 'Billing');
    await openConversation(admin.page, /My conversations/, second.sessionId);
    await admin.page.getByRole('button', { name: '+ Label' }).click();
    await admin.page.getByRole('group', { name: 'Labels of this conversation' }).getByLabel('Billing').check();
    await listItem(sam.page, second.sessionId).locator('.label-chip[data-label="Billing"]').waitFor();
    const { sessions } = await server.api('GET', `/api/sessions/organization/${org.organization.id}?label=${billing.id}`, { token: org.adminToken });
    expect(sessions.map((s: { id: string }) => s.id)).toEqual([second.sessionId]);

    // Taking the label off in the conversation's header drops it from the filtered list.
    await admin.page.getByRole('button', { name: 'Remove label Billing' }).click();
    await waitUntil(async () => (await listItem(sam.page, second.sessionId).count()) === 0, { message: 'the untagged conversation leaves the list' });
  }),
);

test(
  'the customer panel shows the visitor, the page they came from and an earlier conversation, and edits their details',
  scenario(async () => {
    const org = await desk(server.api, 'Panel Desk');
    const host = await startHostSite(server.url, { 'data-organization': org.domain, 'data-name': 'Alice Visitor' });
    try {
      const admin = await launchActor('admin');
      await loginConsole(admin.page, server.url, org.admin.email, org.admin.password, server.api);
      const visitor = await launchActor('visitor');
      await visitor.page.goto(host.url);
      await launcher(visitor.page).click();
      let frame: Frame = await widgetFrame(visitor.page);
      await frame.locator('[data-welcome]').waitFor();
      await send(frame, 'First question about seeds');

      // The first conversation ends; the visitor starts a second one.
      await admin.page.getByRole('link', { name: /My conversations/ }).click();
      const firstItem = admin.page.locator('.session-item').first();
      await firstItem.waitFor();
      const firstId = (await firstItem.getAttribute('data-session'))!;
      await server.api('PUT', `/api/sessions/${firstId}/close`, { token: org.adminToken });
      await frame.locator('.system-note', { hasText: /closed/i }).waitFor();
      await send(frame, 'Second question: do you ship abroad?');
      const secondItem = admin.page.locator('.session-item', { hasText: 'Second question' });
      await secondItem.waitFor();
      const secondId = (await secondItem.getAttribute('data-session'))!;
      expect(secondId).not.toBe(firstId);
      await secondItem.click();

      // The panel opens beside the conversation (and stays open for the next ones).
      const toggle = admin.page.getByRole('button', { name: 'Customer details', exact: true });
      expect(await toggle.getAttribute('aria-expanded')).toBe('false');
      await toggle.click();
      expect(await toggle.getAttribute('aria-expanded')).toBe('true');
      const panel = admin.page.getByRole('complementary', { name: 'Customer' });
      await panel.waitFor();
      await panel.locator('[data-contact-name]', { hasText: 'Alice Visitor' }).waitFor();
      expect(await panel.textContent()).toContain('Website visitor');
      const visit = panel.locator('[data-visit]');
      await visit.waitFor();
      expect(await visit.locator('a[data-page-url]').textContent()).toBe('Garden Supplies');
      expect(await visit.locator('a[data-page-url]').getAttribute('href')).toBe(host.url);
      const visitText = (await visit.textContent()) ?? '';
      expect(visitText).toMatch(/Chrome \d+ on Linux/);
      expect(visitText).toContain('en-US');
      expect(visitText).toMatch(/Time zone/);
      const earlier = panel.locator(`a[data-earlier="${firstId}"]`);
      expect(await earlier.textContent()).toContain('Closed');
      await expectAccessible(admin.page, 'the customer panel');
      await shoot(admin.page, 'customer-panel');

      // Agents edit the customer: the conversation's header follows.
      await panel.getByRole('button', { name: 'Edit details' }).click();
      const form = panel.getByRole('form', { name: 'Edit customer' });
      await form.getByLabel('Name').fill('Alice Gardener');
      await form.getByLabel('E-mail').fill('alice@garden.test');
      await form.getByRole('button', { name: '+ Attribute' }).click();
      await form.getByLabel('Name of attribute 1').fill('plan');
      await form.getByLabel('Value of attribute 1').fill('pro');
      await expectAccessible(admin.page, 'the customer form');
      await form.getByRole('button', { name: 'Save' }).click();
      await panel.locator('[data-contact-name]', { hasText: 'Alice Gardener' }).waitFor();
      expect(await panel.locator('[data-attribute="plan"]').textContent()).toBe('planpro');
      await admin.page.locator('.pane-title', { hasText: 'Alice Gardener' }).waitFor();

      // The earlier conversation opens read-only: its history, a closed box.
      await earlier.click();
      await waitUntil(async () => (await admin.page.evaluate(() => location.hash)).endsWith(firstId), { message: 'the earlier conversation opens' });
      await waitForMessage(admin.page, 'First question about seeds', 'the admin');
      expect(await admin.page.locator('#composer-text').isDisabled()).toBe(true);
      expect(await admin.page.locator('#composer-text').getAttribute('placeholder')).toContain('closed');
      await panel.locator(`a[data-earlier="${secondId}"]`).waitFor();

      // On a phone the panel opens over the chat and closes back to it.
      const phone = await launchActor('phone', PHONE);
      await loginConsole(phone.page, server.url, org.admin.email, org.admin.password, server.api);
      await phone.page.goto(`${server.url}/console/#/mine/${secondId}`);
      await phone.page.locator('.pane-title').waitFor();
      expect(await phone.page.getByRole('complementary', { name: 'Customer' }).count(), 'closed at first on a phone').toBe(0);
      await shoot(phone.page, 'phone-conversation');
      await phone.page.getByRole('button', { name: 'Customer details', exact: true }).click();
      const sheet = phone.page.getByRole('complementary', { name: 'Customer' });
      await sheet.locator('[data-visit]').waitFor();
      expect(await phone.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
      await expectAccessible(phone.page, 'the customer panel on a phone');
      await shoot(phone.page, 'phone-panel');
      await sheet.getByRole('button', { name: 'Hide customer details' }).click();
      await phone.page.locator('#composer-text').waitFor();
      frame = await widgetFrame(visitor.page);
      expect(await shownMessages(frame)).toContain('Second question: do you ship abroad?');
    } finally {
      await host.close();
    }
  }),
);

test(
  "a plain agent reads a customer's earlier conversation of a teammate, without a box to write in",
  scenario(async () => {
    const org = await desk(server.api, 'Earlier Desk', [{ name: 'Ravi Rao', email: 'ravi@earlier-desk.test', role: 'agent' }]);
    const first = await customerWrites(server.api, org.organization.id, 'Can I change my delivery address?');
    await server.api('PUT', `/api/sessions/${first.sessionId}/assign`, { token: org.adminToken, body: { agent_id: org.adminId } });
    await server.api('POST', `/api/sessions/${first.sessionId}/messages`, { token: org.adminToken, body: { content: 'Yes, until it ships.' } });
    await server.api('PUT', `/api/sessions/${first.sessionId}/close`, { token: org.adminToken });
    const { session: second } = await server.api('POST', '/api/sessions', {
      token: first.token,
      body: { organization_id: org.organization.id, message: 'It shipped already, what now?' },
    });

    // Ravi comes online and gets the new conversation; the panel lists the earlier one.
    const ravi = await launchActor('ravi');
    await loginConsole(ravi.page, server.url, 'ravi@earlier-desk.test', 'agent-password-1', server.api);
    await openConversation(ravi.page, /My conversations/, second.id);
    await ravi.page.getByRole('button', { name: 'Customer details', exact: true }).click();
    const panel = ravi.page.getByRole('complementary', { name: 'Customer' });
    const earlier = panel.locator(`a[data-earlier="${first.sessionId}"]`);
    expect(await earlier.textContent()).toContain('Closed · with Earlier Desk Admin');
    await earlier.click();
    await waitForMessage(ravi.page, 'Yes, until it ships.', 'Ravi');
    expect(await shownMessages(ravi.page)).toContain('Can I change my delivery address?');
    expect(await ravi.page.locator('#composer-text').count(), 'no message box').toBe(0);
    expect(await ravi.page.locator('[data-read-only]').textContent()).toContain('Earlier Desk Admin or a supervisor can reopen it');
    expect(await ravi.page.getByRole('button', { name: 'Reopen' }).count()).toBe(0);
    expect(await ravi.page.getByRole('button', { name: '+ Label' }).count(), 'no tagging of a teammate\'s conversation').toBe(0);
    await expectAccessible(ravi.page, "a teammate's earlier conversation");
    await shoot(ravi.page, 'earlier-read-only');
  }),
);

test(
  'search: Ctrl+K finds a message, shows it marked in a snippet, and opens the conversation at it',
  scenario(async () => {
    const org = await desk(server.api, 'Search Desk');
    const customer = await customerWrites(server.api, org.organization.id, 'Hello there');
    await customer.write('My <b>zebracorn</b> order 7 never arrived');
    for (let i = 3; i <= 70; i++) await customer.write(`filler message ${i}`);

    const admin = await launchActor('admin');
    await loginConsole(admin.page, server.url, org.admin.email, org.admin.password, server.api);
    await admin.page.getByRole('link', { name: /Queue/ }).click();
    await admin.page.keyboard.press('Control+K');
    const dialog = admin.page.getByRole('dialog', { name: 'Search' });
    await dialog.waitFor();
    const input = dialog.getByRole('combobox', { name: /Search/ });
    await waitUntil(async () => input.evaluate((el) => el === document.activeElement), { message: 'focus in the search box' });
    await admin.page.keyboard.type('zebrac');
    const result = dialog.getByRole('option').filter({ hasText: 'zebracorn' });
    await result.waitFor();
    expect(await result.locator('mark').allTextContents()).toEqual(['zebracorn']);
    expect(await result.locator('.result-snippet').textContent()).toContain('My <b>zebracorn</b> order');
    expect(await result.locator('.result-snippet b').count(), 'the text is never markup').toBe(0);
    expect(await result.locator('.result-who').textContent()).toBe(customer.username);

    // Focus stays in the dialog.
    for (let i = 0; i < 4; i++) {
      await admin.page.keyboard.press('Tab');
      expect(await dialog.evaluate((d) => d.contains(document.activeElement)), 'focus stays in the dialog').toBe(true);
    }
    await expectAccessible(admin.page, 'the search dialog with results');
    await shoot(admin.page, 'search');

    // Escape closes; Ctrl+K opens again, Enter opens the chosen result.
    await admin.page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await admin.page.keyboard.press('Control+K');
    await dialog.waitFor();
    await admin.page.keyboard.type('zebracorn');
    await result.waitFor();
    await admin.page.keyboard.press('ArrowDown');
    await admin.page.keyboard.press('ArrowUp');
    await admin.page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'detached' });
    await waitUntil(async () => (await admin.page.evaluate(() => location.hash)).endsWith(customer.sessionId), { message: 'the conversation opens' });
    // Seq 2 is older than the first page: it is loaded, scrolled to and marked.
    const found = admin.page.locator('.messages [data-seq="2"][data-found="true"]');
    await found.waitFor();
    const inView = await found.evaluate((el) => {
      const box = el.getBoundingClientRect();
      const list = el.closest('.messages')!.getBoundingClientRect();
      return box.top >= list.top && box.bottom <= list.bottom;
    });
    expect(inView, 'the message is in view').toBe(true);
    await shoot(admin.page, 'search-opened');
    await admin.page.locator('.messages [data-seq="2"][data-found]').waitFor({ state: 'detached', timeout: 6000 }).catch(() => undefined);
  }),
);

test(
  'the keyboard: next and previous conversation, take, reply and note, close, and the shortcuts overlay',
  scenario(async () => {
    const org = await desk(server.api, 'Keys Desk');
    const admin = await launchActor('admin');
    const scripts = scriptRequests(admin.page);
    await loginConsole(admin.page, server.url, org.admin.email, org.admin.password, server.api);
    // Busy: new conversations wait in the queue, oldest first.
    await admin.page.getByLabel('My status').selectOption('busy');
    await waitUntil(async () => (await server.api('GET', `/api/agents/${org.adminId}`, { token: org.adminToken })).agent.status === 'busy', {
      message: 'the admin is busy',
    });
    const a = await customerWrites(server.api, org.organization.id, 'first in line');
    const b = await customerWrites(server.api, org.organization.id, 'second in line');
    const c = await customerWrites(server.api, org.organization.id, 'third in line');
    await admin.page.getByRole('link', { name: /Queue/ }).click();
    await listItem(admin.page, c.sessionId).waitFor();
    await admin.page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    const at = () => admin.page.evaluate(() => location.hash);

    await admin.page.keyboard.press('j');
    await waitUntil(async () => (await at()) === `#/queue/${a.sessionId}`, { message: 'j opens the first' });
    await admin.page.locator('.messages').focus();
    await admin.page.keyboard.press('j');
    await waitUntil(async () => (await at()) === `#/queue/${b.sessionId}`, { message: 'j opens the next' });
    await admin.page.keyboard.press('Alt+ArrowDown');
    await waitUntil(async () => (await at()) === `#/queue/${c.sessionId}`, { message: 'Alt+↓ opens the next' });
    await admin.page.keyboard.press('k');
    await waitUntil(async () => (await at()) === `#/queue/${b.sessionId}`, { message: 'k opens the previous' });
    await admin.page.keyboard.press('Alt+ArrowUp');
    await waitUntil(async () => (await at()) === `#/queue/${a.sessionId}`, { message: 'Alt+↑ opens the previous' });
    await waitForMessage(admin.page, 'first in line', 'the admin');

    // t takes it; r and n focus the box as a reply and as a note (the letter is not typed).
    await admin.page.keyboard.press('t');
    await admin.page.locator('[data-status="active"]', { hasText: 'Assigned to you' }).waitFor();
    await admin.page.keyboard.press('r');
    const box = admin.page.locator('#composer-text');
    await waitUntil(async () => box.evaluate((el) => el === document.activeElement), { message: 'r focuses the box' });
    expect(await admin.page.getByRole('radio', { name: 'Reply' }).isChecked()).toBe(true);
    expect(await box.inputValue()).toBe('');
    // Taken, it left the queue: the next of the queue is b, also while typing.
    await admin.page.keyboard.press('Alt+ArrowDown');
    await waitUntil(async () => (await at()) === `#/queue/${b.sessionId}`, { message: 'Alt+↓ works while typing' });
    await admin.page.evaluate((id) => (location.hash = `#/mine/${id}`), a.sessionId);
    await admin.page.locator('.pane-title', { hasText: a.username }).waitFor();
    await admin.page.locator('.messages').focus();
    await admin.page.keyboard.press('n');
    await waitUntil(async () => box.evaluate((el) => el === document.activeElement), { message: 'n focuses the box' });
    expect(await admin.page.getByRole('radio', { name: 'Note' }).isChecked()).toBe(true);
    expect(await box.inputValue()).toBe('');

    // Shift+C closes it (it is mine: no question).
    await admin.page.locator('.messages').focus();
    await admin.page.keyboard.press('Shift+C');
    await admin.page.locator('[data-status="closed"]').waitFor();

    // ? shows the overlay (loaded on demand); Escape closes it.
    expect(loaded(scripts, 'ShortcutsHelp')).toBe(false);
    await admin.page.keyboard.press('?');
    const help = admin.page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await help.waitFor();
    expect(loaded(scripts, 'ShortcutsHelp')).toBe(true);
    expect(await help.textContent()).toContain('Next conversation in the list');
    await expectAccessible(admin.page, 'the shortcuts overlay');
    await shoot(admin.page, 'shortcuts');
    await admin.page.keyboard.press('Escape');
    await help.waitFor({ state: 'detached' });
  }),
);

test(
  'at phone width the filters, a conversation with labels, search and mentions fit the screen',
  scenario(async () => {
    const org = await desk(server.api, 'Phone Desk');
    await server.api('POST', '/api/labels', { token: org.adminToken, body: { name: 'Shipping', color: '#0891b2' } });
    const customer = await customerWrites(server.api, org.organization.id, 'Where is parcel 42?');
    const phone = await launchActor('phone', PHONE);
    await loginConsole(phone.page, server.url, org.admin.email, org.admin.password, server.api);
    await phone.page.getByRole('link', { name: 'Mine' }).click();
    await listItem(phone.page, customer.sessionId).waitFor();
    const fits = async (what: string) =>
      expect(await phone.page.evaluate(() => document.documentElement.scrollWidth), `${what} fits`).toBeLessThanOrEqual(PHONE.width);
    await fits('the list with its filters');
    await expectAccessible(phone.page, 'the list on a phone');
    await shoot(phone.page, 'phone-list');

    await listItem(phone.page, customer.sessionId).click();
    await phone.page.getByRole('button', { name: '+ Label' }).click();
    await phone.page.getByRole('group', { name: 'Labels of this conversation' }).getByLabel('Shipping').check();
    await phone.page.locator('.pane .chip-list .label-chip[data-label="Shipping"]').waitFor();
    await phone.page.getByLabel('Conversation priority').selectOption('high');
    await phone.page.locator('#composer-text').click();
    await phone.page.keyboard.type('/');
    await phone.page.locator('.suggestions').waitFor();
    await fits('a conversation with labels');
    await expectAccessible(phone.page, 'a conversation on a phone');
    await shoot(phone.page, 'phone-tags');
    await phone.page.keyboard.press('Escape');

    await phone.page.getByRole('button', { name: 'Search' }).click();
    const dialog = phone.page.getByRole('dialog', { name: 'Search' });
    const input = dialog.getByRole('combobox');
    await waitUntil(async () => input.evaluate((el) => el === document.activeElement), { message: 'focus in the search box' });
    await phone.page.keyboard.type('parcel');
    await dialog.getByRole('option').first().waitFor();
    await fits('the search dialog');
    await shoot(phone.page, 'phone-search');
    await phone.page.keyboard.press('Escape');
    await phone.page.getByRole('button', { name: /Mentions/ }).click();
    await phone.page.getByRole('dialog', { name: 'Mentions' }).waitFor();
    await fits('the mentions list');
    await shoot(phone.page, 'phone-mentions');
  }),
);
