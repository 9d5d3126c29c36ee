// A website drives the widget through window.Raasel: calls it queued with the inline stub before
// the loader arrived are honoured, a button of its own opens the chat, setUser makes the visitor
// a verified user of the site (and another one later), and its callbacks hear the chat open and
// close, new messages and the unread count, while the launcher previews the message. Then what a
// visitor expects of the chat itself: links that open and no markup, the emoji picker, earlier
// conversations, and a header that tells when the connection is lost.

import { createHmac } from 'node:crypto';
import type { Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { expectAccessible } from './support/a11y';
import { launchActor } from './support/browser';
import { createOrganization, launcher, send, shownMessages, waitForMark, waitForMessage, widgetFrame } from './support/flows';
import { type HostSite, startPages } from './support/host-page';
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

/** The snippet's stub, exactly as docs/web.md gives it. */
const STUB = 'window.Raasel = window.Raasel || function () { (Raasel.q = Raasel.q || []).push(arguments); };';

/** A shop page with the stub and calls made before the loader, a Help button, and the loader. */
function shopPage(raasel: string, domain: string, before: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Garden Supplies</title><link rel="icon" href="data:,">
<script>
${STUB}
window.siteEvents = [];
Raasel('on', 'open', function () { siteEvents.push(['open']); });
Raasel('on', 'close', function () { siteEvents.push(['close']); });
Raasel('on', 'unread', function (n) { siteEvents.push(['unread', n]); });
Raasel('on', 'message', function (m) { siteEvents.push(['message', m]); });
${before}
</script></head>
<body><main><h1>Garden Supplies</h1><p>Seeds, tools and advice.</p>
<button type="button" id="help">Help</button> <button type="button" id="hide">Hide the chat</button></main>
<script src="${raasel}/widget.js" data-organization="${domain}" async></script>
<script>
document.getElementById('help').addEventListener('click', function () { Raasel.open(); });
document.getElementById('hide').addEventListener('click', function () { Raasel.close(); });
</script>
</body></html>`;
}

type SiteEvent = [string, unknown?];

async function siteEvents(page: Page): Promise<SiteEvent[]> {
  return page.evaluate(() => (window as any).siteEvents as SiteEvent[]);
}

async function waitForEvent(page: Page, match: (e: SiteEvent) => boolean, what: string): Promise<SiteEvent> {
  return (await waitUntil(async () => (await siteEvents(page)).find(match), { message: `the site hears ${what}` }))!;
}

/** The newest conversation of the organization, as its admin lists it. */
async function newestSession(token: string, orgId: string) {
  const { sessions } = await server.api('GET', `/api/sessions/organization/${orgId}`, { token });
  return sessions.sort((a: any, b: any) => b.created_at.localeCompare(a.created_at))[0];
}

/** Screenshots to look at while changing these screens (RAASEL_SHOTS=<dir>). */
async function shoot(page: Page, name: string): Promise<void> {
  const dir = process.env.RAASEL_SHOTS;
  if (dir) await page.screenshot({ path: `${dir}/widget-site-${name}.png` });
}

const frameVisible = (page: Page) => page.locator('iframe[data-raasel-frame]').isVisible();

test(
  'a site opens the chat from its own button, names its signed-in user and hears of messages',
  scenario(async () => {
    const secret = 'garden-identity-secret-0123456789abcdef';
    const org = await createOrganization(server.api, 'Garden Gnomes');
    await server.api('PUT', `/api/organizations/${org.organization.id}`, { token: org.token, body: { settings: { widget_identity_secret: secret } } });
    const hash = (id: string) => createHmac('sha256', secret).update(id).digest('hex');
    const grace = { external_id: 'user-7', identity_hash: hash('user-7'), name: 'Grace Hopper', email: 'grace@example.com', attributes: { plan: 'pro' } };
    let site: HostSite | null = null;
    site = await startPages('localhost', () => ({
      '/': shopPage(server.url, org.domain, `Raasel('setUser', ${JSON.stringify(grace)});`),
      '/early': shopPage(server.url, org.domain, "Raasel('open');"),
    }));
    try {
      const visitor = await launchActor('visitor');
      const page = visitor.page;
      await page.goto(site.url);
      await launcher(page).waitFor();
      expect(await frameVisible(page), 'nothing open before the site asks').toBe(false);

      // The site's own button opens the chat; its callback hears it.
      await page.getByRole('button', { name: 'Help' }).click();
      const frame = await widgetFrame(page);
      await frame.locator('[data-welcome]').waitFor();
      await waitForEvent(page, ([e]) => e === 'open', 'the chat open');
      await send(frame, 'Hello, I am signed in on the shop');
      await waitForMark(frame, 'Hello, I am signed in on the shop', 'sent', 'the visitor');

      // setUser (queued before the loader) made a verified visitor, with the site's attributes.
      const first = await newestSession(org.token, org.organization.id);
      const { contact } = await server.api('GET', `/api/contacts/${first.client_id}`, { token: org.token });
      expect(contact).toMatchObject({ name: 'Grace Hopper', email: 'grace@example.com', verified: true, registered: false });
      expect(contact.attributes).toMatchObject({ plan: 'pro' });

      // The site closes it; then an answer arrives: callbacks, badge and preview by the launcher.
      await page.getByRole('button', { name: 'Hide the chat' }).click();
      await waitUntil(async () => !(await frameVisible(page)), { message: 'the chat closes' });
      await waitForEvent(page, ([e]) => e === 'close', 'the chat close');
      await server.api('POST', `/api/sessions/${first.id}/messages`, { token: org.token, body: { content: 'Welcome back, Grace!\nYour seeds ship today.' } });
      const [, message] = await waitForEvent(page, ([e]) => e === 'message', 'the new message');
      expect(message).toEqual({ session_id: first.id, preview: 'Welcome back, Grace!', sender_name: org.admin.name });
      await waitForEvent(page, ([e, n]) => e === 'unread' && n === 1, 'one unread message');
      expect(await launcher(page).locator('[data-unread]').textContent()).toBe('1');
      const preview = page.locator('[data-raasel-preview]');
      await preview.waitFor();
      expect(await preview.textContent()).toContain(org.admin.name);
      expect(await preview.textContent()).toContain('Welcome back, Grace!');
      expect(await preview.textContent()).not.toContain('Your seeds ship today');
      await expectAccessible(page, 'the host page with the unread preview');
      await shoot(page, 'unread-preview');

      // Dismissed, it goes; the next message brings it back, and a click on it opens the chat.
      await preview.getByRole('button', { name: 'Dismiss' }).click();
      await waitUntil(async () => !(await preview.isVisible()), { message: 'the preview is dismissed' });
      expect(await frameVisible(page)).toBe(false);
      await server.api('POST', `/api/sessions/${first.id}/messages`, { token: org.token, body: { content: 'Anything else?' } });
      await waitForEvent(page, ([e, n]) => e === 'unread' && n === 2, 'two unread messages');
      await preview.waitFor();
      expect(await preview.textContent()).toContain('Anything else?');
      await preview.getByRole('button', { name: /Anything else/ }).click();
      await waitUntil(() => frameVisible(page), { message: 'a click on the preview opens the chat' });
      await waitForMessage(frame, 'Anything else?', 'the visitor');
      await waitForEvent(page, ([e, n]) => e === 'unread' && n === 0, 'the messages read');
      expect(await preview.isVisible()).toBe(false);

      // Another user signs in on the site: the chat starts again as that verified visitor.
      const ada = { external_id: 'user-8', identity_hash: hash('user-8'), name: 'Ada Lovelace', email: 'ada@example.com' };
      await page.evaluate((user) => (window as any).Raasel.setUser(user), ada);
      await waitUntil(async () => (await page.locator('iframe[data-raasel-frame]').getAttribute('src'))?.includes('eid=user-8'), {
        message: 'the frame reloads for the new user',
      });
      const again = await waitUntil(async () => {
        const f = page.frames().find((x) => x.url().includes('eid=user-8'));
        return f && (await f.locator('[data-welcome]').count()) > 0 ? f : null;
      }, { message: "the new user's chat is ready" });
      expect(await shownMessages(again!)).toEqual([]);
      await send(again!, 'Ada here, hello');
      await waitForMark(again!, 'Ada here, hello', 'sent', 'the second user');
      const second = await newestSession(org.token, org.organization.id);
      expect(second.id).not.toBe(first.id);
      const { contact: adaContact } = await server.api('GET', `/api/contacts/${second.client_id}`, { token: org.token });
      expect(adaContact).toMatchObject({ name: 'Ada Lovelace', verified: true });

      // A call queued before the loader opens the chat as soon as the launcher is there.
      const early = await launchActor('early visitor');
      await early.page.goto(`${site.url}/early`);
      await widgetFrame(early.page);
      await waitUntil(() => frameVisible(early.page), { message: "Raasel('open') made before the loader opens the chat" });
      await waitForEvent(early.page, ([e]) => e === 'open', 'the chat open on the early page');
    } finally {
      await site?.close();
    }
  }),
);

/** The chat window's header line. */
async function headerLine(frame: Frame): Promise<string> {
  return ((await frame.locator('.widget-status').textContent()) ?? '').trim();
}

test(
  'links open and markup stays text, the emoji picker inserts at the caret, earlier conversations return, a lost connection shows',
  scenario(async () => {
    const org = await createOrganization(server.api, 'Seed Vault');
    const site = await startPages('localhost', () => ({ '/': shopPage(server.url, org.domain, '') }));
    try {
      const visitor = await launchActor('visitor');
      const page = visitor.page;
      const scripts: string[] = [];
      page.on('request', (r) => {
        if (r.resourceType() === 'script') scripts.push(r.url());
      });
      await page.goto(site.url);
      await launcher(page).click();
      const frame = await widgetFrame(page);
      await frame.locator('[data-welcome]').waitFor();

      // Links in messages open in a new tab and pass nothing on; nothing else is markup.
      await send(frame, 'See https://example.com/docs?a=1. Also <b>not bold</b> and <img src=x onerror=alert(1)>');
      await waitForMark(frame, 'not bold', 'sent', 'the visitor');
      const mine = frame.locator('.bubble.mine').last();
      const link = mine.locator('a');
      expect(await link.count()).toBe(1);
      expect(await link.getAttribute('href')).toBe('https://example.com/docs?a=1');
      expect(await link.getAttribute('target')).toBe('_blank');
      expect(await link.getAttribute('rel')).toBe('noopener noreferrer nofollow');
      expect(await mine.locator('b, img').count()).toBe(0);
      expect(await mine.locator('.content').textContent()).toContain('<b>not bold</b>');
      const session = await newestSession(org.token, org.organization.id);
      await server.api('POST', `/api/sessions/${session.id}/messages`, {
        token: org.token,
        body: { content: 'Track it at https://shop.test/track?id=9 (not javascript:alert(1))' },
      });
      await waitForMessage(frame, 'Track it at https://shop.test/track?id=9 (not javascript:alert(1))', 'the visitor');
      const theirs = frame.locator('.bubble.theirs').last().locator('a');
      expect(await theirs.count()).toBe(1);
      expect(await theirs.getAttribute('href')).toBe('https://shop.test/track?id=9');

      // The emoji picker arrives when first opened, is used by keyboard and inserts at the caret.
      expect(scripts.some((u) => u.includes('/assets/EmojiPicker-')), 'no picker before it is opened').toBe(false);
      const box = frame.locator('#composer-text');
      await box.fill('Hello world');
      await box.evaluate((el: HTMLTextAreaElement) => el.setSelectionRange(5, 5));
      const toggle = frame.getByRole('button', { name: 'Insert an emoji' });
      await toggle.focus();
      await toggle.press('Enter');
      const picker = frame.getByRole('dialog', { name: 'Emoji' });
      await picker.waitFor();
      expect(scripts.some((u) => u.includes('/assets/EmojiPicker-'))).toBe(true);
      await expectAccessible(frame, 'the emoji picker');
      await shoot(page, 'emoji-picker');
      await frame.page().keyboard.press('ArrowRight');
      await frame.page().keyboard.press('ArrowRight');
      await frame.page().keyboard.press('Enter');
      await waitUntil(async () => (await box.inputValue()) === 'Hello😁 world', { message: 'the emoji goes in at the caret' });
      expect(await picker.count()).toBe(0);
      expect(await box.evaluate((el: HTMLTextAreaElement) => [document.activeElement === el, el.selectionStart])).toEqual([true, 7]);
      // Escape closes the picker, not the chat.
      await toggle.click();
      await picker.waitFor();
      await frame.page().keyboard.press('Escape');
      await waitUntil(async () => (await picker.count()) === 0, { message: 'Escape closes the picker' });
      expect(await frameVisible(page)).toBe(true);
      await box.press('Enter');
      await waitForMessage(frame, 'Hello😁 world', 'the visitor');

      // The conversation ends; writing starts another. Both are listed, newest first.
      await server.api('PUT', `/api/sessions/${session.id}/close`, { token: org.token });
      await frame.getByText('This conversation has ended. Writing a message starts a new one.').waitFor();
      await send(frame, 'A new question about bulbs');
      await waitForMark(frame, 'A new question about bulbs', 'sent', 'the visitor');
      await page.reload();
      await launcher(page).click();
      const later = await widgetFrame(page);
      await waitForMessage(later, 'A new question about bulbs', 'the visitor after a reload');
      await later.getByRole('button', { name: 'Your conversations' }).click();
      const items = later.locator('.history-item');
      await waitUntil(async () => (await items.count()) === 2, { message: 'both conversations are listed' });
      expect(await items.evaluateAll((els) => els.map((e) => e.getAttribute('data-status')))).toEqual(['waiting', 'closed']);
      expect(await items.nth(0).textContent()).toContain('A new question about bulbs');
      expect(await items.nth(1).textContent()).toContain('Ended');
      await expectAccessible(later, 'the list of conversations');
      await shoot(page, 'conversations');

      // The earlier one opens read-only; a new one can be started from there.
      await items.nth(1).click();
      await waitForMessage(later, 'Hello😁 world', 'the visitor reading the earlier conversation');
      await later.locator('[data-read-only]').waitFor();
      expect(await later.locator('#composer-text').count()).toBe(0);
      await shoot(page, 'read-only');
      await later.getByRole('button', { name: 'New conversation' }).click();
      await later.locator('[data-welcome]').waitFor();
      expect(await shownMessages(later)).toEqual([]);
      await later.locator('#composer-text').waitFor();

      // A lost connection shows in the header, and goes when it is back.
      await later.getByRole('button', { name: 'Your conversations' }).click();
      await later.locator('.history-item').first().click();
      await waitForMessage(later, 'A new question about bulbs', 'the visitor back in the open conversation');
      expect(await headerLine(later)).toBe('We are offline');
      await visitor.context.setOffline(true);
      await later.locator('[data-connection="lost"]', { hasText: 'Reconnecting…' }).waitFor();
      await shoot(page, 'reconnecting');
      await visitor.context.setOffline(false);
      await waitUntil(async () => (await headerLine(later)) === 'We are offline', { message: 'the header line is back' });
      expect(await later.locator('[data-connection="lost"]').count()).toBe(0);
    } finally {
      await site.close();
    }
  }),
);
