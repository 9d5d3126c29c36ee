// What the organization asks of its customers, and what customers can ask of it: the pre-chat
// questions before the first message, an e-mail address while nobody can answer (only where
// replies do go out by e-mail), a rating once the conversation is closed (seen by the agents),
// the transcript, links from e-mails that open a conversation again, and the console's
// settings for all of it. E-mail itself is not delivered here (the mail server's port is
// closed): what reaches inboxes is tested with the server.

import type { Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { expectAccessible } from './support/a11y';
import { type Actor, expectRefusal, launchActor } from './support/browser';
import { linkToken } from './support/email-links';
import {
  createOrganization,
  customerWrites,
  launcher,
  loginConsole,
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

/** A server that sends e-mail (and honours links in e-mails). */
let server: Server;

beforeAll(async () => {
  server = await startServer({ mail: true });
});

afterAll(async () => {
  await server?.stop();
});

type Org = Awaited<ReturnType<typeof createOrganization>>;

async function settle(on: Server, org: Org, settings: Record<string, unknown>): Promise<void> {
  await on.api('PUT', `/api/organizations/${org.organization.id}`, { token: org.token, body: { settings } });
}

async function newestSession(on: Server, org: Org) {
  const { sessions } = await on.api('GET', `/api/sessions/organization/${org.organization.id}`, { token: org.token });
  return sessions.sort((a: any, b: any) => b.created_at.localeCompare(a.created_at))[0];
}

/** A visitor on the organization's site with the chat window open. */
async function visitorOn(site: HostSite, name = 'visitor'): Promise<{ actor: Actor; page: Page; frame: Frame; scripts: string[] }> {
  const actor = await launchActor(name);
  const scripts: string[] = [];
  actor.page.on('request', (r) => {
    if (r.resourceType() === 'script') scripts.push(r.url());
  });
  await actor.page.goto(site.url);
  await launcher(actor.page).click();
  const frame = await widgetFrame(actor.page);
  await frame.locator('[data-welcome]').waitFor();
  return { actor, page: actor.page, frame, scripts };
}

/** Screenshots to look at while changing these screens (RAASEL_SHOTS=<dir>). */
async function shoot(page: Page, name: string): Promise<void> {
  const dir = process.env.RAASEL_SHOTS;
  if (dir) await page.screenshot({ path: `${dir}/customer-side-${name}.png` });
}

test(
  'the pre-chat questions come before the first message, and the answers reach the agents',
  scenario(async () => {
    const org = await createOrganization(server.api, 'Shoe Shack');
    await settle(server, org, {
      prechat: { name: 'required', email: 'optional', phone: 'off', custom: [{ key: 'order_number', label: 'Order number', required: true }] },
    });
    const site = await startHostSite(server.url, { 'data-organization': org.domain });
    try {
      const { page, frame } = await visitorOn(site);
      const form = frame.locator('[data-prechat]');
      await form.waitFor();
      expect(await form.locator('input').evaluateAll((els) => els.map((e) => e.getAttribute('name')))).toEqual(['name', 'email', 'fields.order_number']);
      await form.getByLabel('E-mail (optional)').waitFor();
      await expectAccessible(frame, 'the pre-chat form');
      await shoot(page, 'prechat');

      // Nothing answered: the message stays in the box, the first missing answer gets the focus.
      await send(frame, 'My shoes are too small');
      await frame.getByText('Please complete the form above first.').waitFor();
      expect(await frame.locator('#composer-text').inputValue()).toBe('My shoes are too small');
      await waitUntil(async () => (await frame.evaluate(() => document.activeElement?.getAttribute('data-question'))) === 'name', {
        message: 'the name question has the focus',
      });
      expect(await form.getByLabel('Name', { exact: true }).getAttribute('aria-invalid')).toBe('true');
      expect(await form.textContent()).toContain('Please fill this in.');
      expect(await newestSession(server, org)).toBeUndefined();

      // A malformed address is refused at its field.
      await form.getByLabel('Name', { exact: true }).fill('Ann Walker');
      await form.getByLabel('E-mail (optional)').fill('ann@');
      await form.getByLabel('Order number').fill('SH-1042');
      await frame.locator('#composer-text').press('Enter');
      await form.getByText('Enter an e-mail address such as name@example.com.').waitFor();
      await form.getByLabel('E-mail (optional)').fill('ann@example.com');
      await frame.locator('#composer-text').press('Enter');
      await waitForMark(frame, 'My shoes are too small', 'sent', 'the visitor');
      await waitUntil(async () => (await form.count()) === 0, { message: 'the questions go once the conversation started' });

      const session = await newestSession(server, org);
      const { contact } = await server.api('GET', `/api/contacts/${session.client_id}`, { token: org.token });
      expect(contact).toMatchObject({ name: 'Ann Walker', email: 'ann@example.com' });
      expect(contact.attributes).toMatchObject({ order_number: 'SH-1042' });
    } finally {
      await site.close();
    }
  }),
);

test(
  'while nobody can answer, a visitor is asked for an address only where replies go out by e-mail; the transcript says where it went or why not',
  scenario(async () => {
    // This server sends e-mail: the visitor is asked after the first message.
    const org = await createOrganization(server.api, 'Night Owls');
    const site = await startHostSite(server.url, { 'data-organization': org.domain });
    const plain = await startServer();
    let plainSite: HostSite | null = null;
    try {
      const { page, frame } = await visitorOn(site);
      expect(await frame.locator('[data-email-ask]').count(), 'nothing asked before the first message').toBe(0);
      await send(frame, 'Are you open on Sunday?');
      const ask = frame.locator('[data-email-ask]');
      await ask.waitFor();
      expect(await ask.textContent()).toContain('Leave your e-mail and we will reply there.');
      await expectAccessible(frame, 'the e-mail ask');
      await shoot(page, 'email-ask');
      await ask.getByLabel('Leave your e-mail and we will reply there.').fill('owl@');
      await ask.getByRole('button', { name: 'Save' }).click();
      await ask.getByText('Enter an e-mail address such as name@example.com.').waitFor();
      await ask.getByLabel('Leave your e-mail and we will reply there.').fill('night.owl@example.com');
      await ask.getByRole('button', { name: 'Save' }).click();
      await frame.locator('[data-email-saved]', { hasText: 'Thanks! We will reply to night.owl@example.com.' }).waitFor();
      const session = await newestSession(server, org);
      const { contact } = await server.api('GET', `/api/contacts/${session.client_id}`, { token: org.token });
      expect(contact.email).toBe('night.owl@example.com');

      // Known now: not asked again.
      await page.reload();
      await launcher(page).click();
      const again = await widgetFrame(page);
      await waitForMessage(again, 'Are you open on Sunday?', 'the visitor after a reload');
      await again.locator('[data-offline-message]').waitFor();
      expect(await again.locator('[data-email-ask]').count()).toBe(0);

      // Closed: the transcript goes to the address, partly hidden.
      await server.api('PUT', `/api/sessions/${session.id}/close`, { token: org.token });
      await again.getByRole('button', { name: 'Send me the transcript' }).click();
      const answer = again.locator('[data-transcript] [role="status"]');
      await answer.waitFor();
      expect(await answer.textContent()).toMatch(/^The transcript is on its way to n\S*@example\.com\.$/);

      // A server without e-mail never promises it: no ask, no mention; the transcript says why not.
      const quiet = await createOrganization(plain.api, 'Quiet Owls');
      plainSite = await startHostSite(plain.url, { 'data-organization': quiet.domain });
      const other = await visitorOn(plainSite, 'visitor of a server without e-mail');
      await send(other.frame, 'Anyone there?');
      await waitForMark(other.frame, 'Anyone there?', 'sent', 'the other visitor');
      await other.frame.locator('[data-offline-message]').waitFor();
      expect(await other.frame.locator('[data-email-ask]').count()).toBe(0);
      expect(other.scripts.some((u) => u.includes('/assets/asks-')), 'nothing to ask was even loaded').toBe(false);
      expect(await other.frame.locator('body').textContent()).not.toMatch(/e-?mail/i);
      const quietSession = await newestSession(plain, quiet);
      await plain.api('PUT', `/api/sessions/${quietSession.id}/close`, { token: quiet.token });
      expectRefusal(other.actor, 409, '/transcript');
      await other.frame.getByRole('button', { name: 'Send me the transcript' }).click();
      const refusal = other.frame.locator('[data-transcript] [role="status"]');
      await refusal.waitFor();
      expect(await refusal.textContent()).toMatch(/^The transcript was not sent: .+/);
    } finally {
      await site.close();
      await plainSite?.close();
      await plain.stop();
    }
  }),
);

test(
  'a closed conversation asks for a rating once, in the style the organization chose, and the agents see it live',
  scenario(async () => {
    const org = await createOrganization(server.api, 'Tea Garden');
    await settle(server, org, { rating_style: 'faces' });
    const site = await startHostSite(server.url, { 'data-organization': org.domain });
    try {
      const admin = await launchActor('admin');
      await loginConsole(admin.page, server.url, org.admin.email, org.admin.password, server.api);
      const { page, frame } = await visitorOn(site);
      expect(await frame.locator('[data-rating-ask]').count(), 'no rating while open').toBe(0);
      await send(frame, 'Which green tea do you recommend?');
      await admin.page.getByRole('link', { name: /My conversations/ }).click();
      const item = admin.page.locator('.session-item').first();
      await item.click();
      await waitForMessage(admin.page, 'Which green tea do you recommend?', 'the admin');
      await send(admin.page, 'Try the sencha.');
      await waitForMessage(frame, 'Try the sencha.', 'the visitor');
      await admin.page.getByRole('button', { name: 'Close', exact: true }).click();
      await admin.page.locator('[data-status="closed"]').waitFor();

      // Five faces; one chosen, a comment, sent once.
      const ask = frame.locator('[data-rating-ask="faces"]');
      await ask.waitFor();
      expect(await ask.textContent()).toContain('How was this conversation?');
      expect(await ask.locator('input[type="radio"]').count()).toBe(5);
      await expectAccessible(frame, 'the rating');
      await ask.getByRole('button', { name: 'Send rating' }).click();
      await ask.getByText('Choose a rating first.').waitFor();
      await ask.getByLabel('Good', { exact: true }).check();
      await ask.getByLabel('Anything you would like to add? (optional)').fill('Quick and kind');
      await shoot(page, 'rating-faces');
      await ask.getByRole('button', { name: 'Send rating' }).click();
      const rated = frame.locator('[data-rated="4"]');
      await rated.waitFor();
      expect(await rated.textContent()).toContain('You rated this conversation Good.');
      expect(await frame.locator('[data-rating-ask]').count()).toBe(0);

      // The agent sees it with the conversation, live.
      const shown = admin.page.locator('.customer-rating[data-rating="4"]');
      await shown.waitFor();
      expect(await shown.textContent()).toContain('Quick and kind');
      await expectAccessible(admin.page, 'the conversation with its rating');
      await shoot(admin.page, 'console-rating');

      // Kept: after a reload the rating shows, in the style chosen now; "off" shows nothing.
      await settle(server, org, { rating_style: 'numbers' });
      await page.reload();
      await launcher(page).click();
      let again = await widgetFrame(page);
      await again.locator('[data-rated="4"]', { hasText: 'You rated this conversation 4 of 5.' }).waitFor();
      await settle(server, org, { rating_style: 'off' });
      await page.reload();
      await launcher(page).click();
      again = await widgetFrame(page);
      await waitForMessage(again, 'Try the sencha.', 'the visitor after another reload');
      await again.getByRole('button', { name: 'Send me the transcript' }).waitFor();
      expect(await again.locator('[data-rated], [data-rating-ask]').count()).toBe(0);
    } finally {
      await site.close();
    }
  }),
);

test(
  'a link from an e-mail opens its conversation with the chosen score, in the widget and, after logging in, in the app; a bad link says so',
  scenario(async () => {
    const org = await createOrganization(server.api, 'Book Nook');
    const site = await startHostSite(server.url, { 'data-organization': org.domain });
    try {
      const { frame } = await visitorOn(site);
      await send(frame, 'Is the atlas back in stock?');
      await waitForMark(frame, 'Is the atlas back in stock?', 'sent', 'the visitor');
      const session = await newestSession(server, org);
      await server.api('POST', `/api/sessions/${session.id}/messages`, { token: org.token, body: { content: 'Yes, since Monday.' } });
      await server.api('PUT', `/api/sessions/${session.id}/close`, { token: org.token });
      const ids = { clientId: session.client_id, sessionId: session.id, orgId: org.organization.id };

      // The visitor opens the e-mail on another device: the conversation, the score chosen.
      const phone = await launchActor('the visitor on another device');
      await phone.page.goto(`${server.url}/widget/?org=${org.domain}&resume=${linkToken(server.jwtSecret!, ids)}&rate=5`);
      await waitForMessage(phone.page, 'Yes, since Monday.', 'the visitor from the e-mail');
      expect(await shownMessages(phone.page)).toEqual(['Is the atlas back in stock?', 'Yes, since Monday.']);
      const five = phone.page.getByLabel('5 of 5');
      await five.waitFor();
      expect(await five.isChecked()).toBe(true);
      expect(phone.page.url()).not.toContain('resume=');
      await expectAccessible(phone.page, 'the conversation opened from an e-mail');
      await shoot(phone.page, 'resumed');
      await phone.page.getByRole('button', { name: 'Send rating' }).click();
      await phone.page.locator('[data-rated="5"]').waitFor();
      expect((await server.api('GET', `/api/sessions/${session.id}`, { token: org.token })).session.rating.score).toBe(5);

      // An expired or tampered link says so.
      const stranger = await launchActor('someone with an old e-mail');
      expectRefusal(stranger, 401, '/api/email-links/redeem');
      await stranger.page.goto(`${server.url}/widget/?org=${org.domain}&resume=${linkToken(server.jwtSecret!, ids, -1)}`);
      const refusal = stranger.page.locator('[data-widget-error]');
      await refusal.waitFor();
      expect(await refusal.textContent()).toBe('This link has expired or is not valid. Open the chat from the website again.');
      await stranger.page.goto(`${server.url}/widget/?org=${org.domain}&resume=not-a-link`);
      await stranger.page.locator('[data-widget-error]', { hasText: 'This link has expired or is not valid.' }).waitFor();

      // A customer of the app logs in first, then lands in the conversation.
      const customer = await customerWrites(server.api, org.organization.id, 'Do you ship to Norway?');
      await server.api('POST', `/api/sessions/${customer.sessionId}/messages`, { token: org.token, body: { content: 'We do.' } });
      await server.api('PUT', `/api/sessions/${customer.sessionId}/close`, { token: org.token });
      const { client } = await server.api('GET', '/api/clients/me', { token: customer.token });
      const token = linkToken(server.jwtSecret!, { clientId: client.id, sessionId: customer.sessionId, orgId: org.organization.id });
      const reader = await launchActor('the customer reading the e-mail');
      await reader.page.goto(`${server.url}/?resume=${token}&rate=2`);
      await reader.page.locator('[data-resume-notice]', { hasText: 'Log in to open the conversation from your e-mail.' }).waitFor();
      await reader.page.getByLabel('E-mail').fill(`${customer.username}@example.com`);
      await reader.page.getByLabel('Password').fill('customer-password-1');
      await reader.page.getByRole('button', { name: 'Log in' }).click();
      await waitForMessage(reader.page, 'We do.', 'the customer from the e-mail');
      expect(await reader.page.getByLabel('2 of 5').isChecked()).toBe(true);
      expect(reader.page.url()).not.toContain('resume=');
    } finally {
      await site.close();
    }
  }),
);

test(
  'admins set what customers meet in the console, and are told plainly when the server sends no e-mail',
  scenario(async () => {
    const plain = await startServer();
    try {
      const org = await createOrganization(plain.api, 'Plant Doctors');
      const admin = await launchActor('admin');
      await loginConsole(admin.page, plain.url, org.admin.email, org.admin.password, plain.api);
      const page = admin.page;
      await page.getByRole('link', { name: 'Settings' }).click();
      const notice = page.locator('[data-no-email]');
      await notice.waitFor();
      expect(await notice.textContent()).toContain('This server is not set up to send e-mail');

      await page.getByLabel('Rating after a conversation').selectOption('faces');
      await page.getByLabel('Default language').selectOption('de');
      await page.getByLabel('Language', { exact: true }).selectOption('de');
      await page.getByLabel('Welcome message in German').fill('Hallo! Wie können wir helfen?');
      const prechat = page.locator('[data-prechat-editor]');
      await prechat.getByLabel('Name', { exact: true }).selectOption('required');
      await prechat.getByRole('button', { name: '+ Question' }).click();
      await prechat.getByLabel('Question 1', { exact: true }).fill('Plant name');
      expect(await prechat.getByLabel('Attribute key').inputValue()).toBe('plant_name');
      await prechat.getByLabel('Required', { exact: true }).check();
      await page.getByLabel('Allowed sites, one per line').fill('https://plants.example.com\nplants.example.org');
      await page.getByRole('button', { name: 'Save settings' }).click();
      await page.getByText('"plants.example.org" is not a site\'s origin such as https://shop.example.com.').waitFor();
      await page.getByLabel('Allowed sites, one per line').fill('https://plants.example.com\nhttp://localhost:3000');
      await page.getByLabel('Unread replies go to the customer by e-mail after').getByLabel('Replies by e-mail: unit').selectOption('off');
      await expectAccessible(page, 'the settings of what customers meet');
      await page.getByRole('button', { name: 'Save settings' }).click();
      await page.getByText('Saved.').waitFor();
      // Replies never go by e-mail now: nothing to warn about.
      expect(await notice.count()).toBe(0);

      const { organization } = await plain.api('GET', `/api/organizations/${org.organization.id}`, { token: org.token });
      expect(organization.settings).toMatchObject({
        rating_style: 'faces',
        default_locale: 'de',
        email_after_secs: 0,
        prechat: { name: 'required', email: 'off', phone: 'off', custom: [{ key: 'plant_name', label: 'Plant name', required: true }] },
        texts: { de: { welcome_message: 'Hallo! Wie können wir helfen?' } },
      });
      expect([...organization.settings.allowed_origins].sort()).toEqual(['http://localhost:3000', 'https://plants.example.com']);
      await shoot(page, 'console-settings');
    } finally {
      await plain.stop();
    }
  }),
);
