// A conversation over time, as agents and admins handle it in the console: snoozed until the
// customer writes (out of the active list into Snoozed, and back live when the customer writes
// in the widget or the server wakes it), closed and reopened by the agent who then writes in it
// while the customer watches in the app, and the organization's periods and business hours set
// in the settings screen (saved, shown again after a reload, the server's problems next to the
// fields). The new screens pass axe-core at desktop and phone width.

import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { expectAccessible } from './support/a11y';
import { type Actor, DESKTOP, PHONE, launchActor } from './support/browser';
import {
  customerWrites,
  desk as newDesk,
  launcher,
  listItem,
  loginConsole,
  openFromDirectory,
  registerInApp,
  send,
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

/**
 * Screenshots to look at while changing these screens (RAASEL_SHOTS=<dir>): desktop and phone,
 * `tall` ones in a viewport high enough for a long page (the console scrolls inside its panes).
 */
async function shoot(page: Page, name: string, tall = false): Promise<void> {
  const dir = process.env.RAASEL_SHOTS;
  if (!dir) return;
  const size = page.viewportSize() ?? DESKTOP;
  const height = (h: number) => (tall ? 2600 : h);
  await page.setViewportSize({ width: size.width, height: height(size.height) });
  await page.screenshot({ path: `${dir}/lifecycle-${name}.png` });
  if (size.width !== PHONE.width) {
    await page.setViewportSize({ width: PHONE.width, height: height(PHONE.height) });
    await page.screenshot({ path: `${dir}/lifecycle-${name}-phone.png` });
  }
  await page.setViewportSize(size);
}

/** A fresh organization whose admin is logged in (the only agent: conversations come to them). */
async function adminDesk(name: string) {
  const org = await newDesk(server.api, name);
  const admin = await launchActor('admin');
  await loginConsole(admin.page, server.url, org.admin.email, org.admin.password, server.api);
  return { ...org, actor: admin, page: admin.page };
}

/**
 * Takes the browser's report of a refused request off the actor's console errors: the refusal
 * was what the step wanted (any other console error still fails the test).
 */
async function expectRefusal(actor: Actor, status: number, path: string): Promise<void> {
  const line = await waitUntil(() => actor.errors.find((e) => e.includes(`status of ${status}`) && e.includes(path)), {
    message: `the browser reports the ${status} of ${path}`,
  });
  actor.errors.splice(actor.errors.indexOf(line!), 1);
}

async function openList(page: Page, name: RegExp): Promise<void> {
  await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name }).click();
}

/** The session ids a list shows, in order. */
async function listed(page: Page): Promise<string[]> {
  return page.locator('.session-list .session-item').evaluateAll((els) => els.map((e) => e.getAttribute('data-session') ?? ''));
}

async function sessionOf(sessionId: string, token: string) {
  return (await server.api('GET', `/api/sessions/${sessionId}`, { token })).session;
}

/** Script files the page asked for, to tell when a lazily loaded screen's code arrived. */
function scriptRequests(page: Page): string[] {
  const urls: string[] = [];
  page.on('request', (r) => {
    if (r.resourceType() === 'script') urls.push(r.url());
  });
  return urls;
}

test(
  'a conversation snoozed until the customer writes leaves the active list for Snoozed and comes back live when they write',
  scenario(async () => {
    const desk = await adminDesk('Snooze Desk');
    const { page } = desk;
    const host: HostSite = await startHostSite(server.url, { 'data-organization': desk.domain });
    try {
      const visitor = await launchActor('visitor');
      await visitor.page.goto(host.url);
      await launcher(visitor.page).click();
      const frame = await widgetFrame(visitor.page);
      await frame.locator('[data-welcome]').waitFor();
      await send(frame, 'My blue teapot arrived cracked.');

      await openList(page, /My conversations/);
      const item = page.locator('.session-list .session-item').first();
      await item.click();
      await waitForMessage(page, 'My blue teapot arrived cracked.', 'the admin');
      const sessionId = (await item.getAttribute('data-session'))!;
      await page.locator('[data-count="mine"]').waitFor();

      // Snooze asks until when; the dialog offers the usual times and its own.
      await page.locator('.pane-actions').getByRole('button', { name: 'Snooze' }).click();
      const dialog = page.getByRole('dialog', { name: 'Snooze conversation' });
      await dialog.waitFor();
      for (const choice of ['1 hour', 'Tomorrow 9:00', 'Until the customer writes']) {
        await dialog.getByRole('button', { name: new RegExp(`^${choice}`) }).waitFor();
      }
      expect(await dialog.getByLabel('Until a date and time').inputValue()).toMatch(/^\d{4}-\d\d-\d\dT09:00$/);
      await expectAccessible(page, 'the snooze dialog');
      await shoot(page, 'snooze-dialog');
      await dialog.getByRole('button', { name: /^Until the customer writes/ }).click();
      await dialog.waitFor({ state: 'detached' });

      // Out of the active list at once, into Snoozed with when it comes back.
      await waitUntil(async () => !(await listed(page)).includes(sessionId), { message: 'the conversation leaves My conversations' });
      expect(await page.locator('[data-count="mine"]').count()).toBe(0);
      await page.locator('[data-count="snoozed"]', { hasText: '1' }).waitFor();
      await page.locator('[data-snoozed="true"]', { hasText: 'back when the customer writes' }).waitFor();
      expect(await page.locator('.pane-actions').getByRole('button', { name: 'Wake' }).isVisible()).toBe(true);
      await shoot(page, 'snoozed-pane');
      expect(await sessionOf(sessionId, desk.token)).toMatchObject({ snoozed: true, snoozed_until: null });
      await openList(page, /Snoozed/);
      await page.getByRole('heading', { name: 'Snoozed', level: 1 }).waitFor();
      expect(await listed(page)).toEqual([sessionId]);
      expect(await listItem(page, sessionId).textContent()).toContain('Back when the customer writes');
      await expectAccessible(page, 'the Snoozed list');
      await shoot(page, 'snoozed-list');

      // The customer writes in the widget: the conversation is back among mine, live.
      await send(frame, 'Hello? Anyone there?');
      await waitUntil(async () => (await listed(page)).length === 0, { message: 'the conversation leaves Snoozed when the customer writes' });
      await page.locator('[data-count="mine"]', { hasText: '1' }).waitFor();
      expect(await page.locator('[data-count="snoozed"]').count()).toBe(0);
      await page.getByText('Nothing is snoozed.', { exact: false }).waitFor();
      await openList(page, /My conversations/);
      await listItem(page, sessionId).click();
      await waitForMessage(page, 'Hello? Anyone there?', 'the admin');
      expect(await page.locator('.pane-actions').getByRole('button', { name: 'Snooze' }).isVisible()).toBe(true);
      expect(await sessionOf(sessionId, desk.token)).toMatchObject({ snoozed: false });
    } finally {
      await host.close();
    }
  }),
);

test(
  'snoozed for an hour by keyboard, woken by the Wake button, and brought back live when the server wakes it',
  scenario(async () => {
    const desk = await adminDesk('Wake Desk');
    const { page } = desk;
    const { sessionId } = await customerWrites(server.api, desk.organization.id, 'Is my order packed?');
    await openList(page, /My conversations/);
    await listItem(page, sessionId).click();
    await waitForMessage(page, 'Is my order packed?', 'the admin');

    // `s` opens the dialog (listed in the ? overlay); "1 hour" is an hour from now.
    await page.keyboard.press('?');
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await help.getByText('Snooze the open conversation, or wake it when snoozed').waitFor();
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'detached' });
    await page.keyboard.press('s');
    const dialog = page.getByRole('dialog', { name: 'Snooze conversation' });
    await dialog.getByRole('button', { name: /^1 hour/ }).click();
    await dialog.waitFor({ state: 'detached' });
    const snoozed = await sessionOf(sessionId, desk.token);
    expect(snoozed.snoozed).toBe(true);
    const inAnHour = new Date(snoozed.snoozed_until).getTime() - Date.now();
    expect(inAnHour).toBeGreaterThan(55 * 60_000);
    expect(inAnHour).toBeLessThanOrEqual(60 * 60_000);
    await openList(page, /Snoozed/);
    expect(await listItem(page, sessionId).textContent()).toMatch(/Back (tomorrow )?\d\d?.\d\d/);
    await listItem(page, sessionId).click();

    // Wake puts it back among mine; the pane offers Snooze again.
    await page.locator('.pane-actions').getByRole('button', { name: 'Wake' }).click();
    await waitUntil(async () => (await listed(page)).length === 0, { message: 'Wake empties Snoozed' });
    expect((await sessionOf(sessionId, desk.token)).snoozed).toBe(false);

    // Snoozed again, then woken by someone else (a session_updated event): back live.
    await page.locator('.pane-actions').getByRole('button', { name: 'Snooze' }).click();
    await dialog.getByRole('button', { name: /^Tomorrow 9:00/ }).click();
    await listItem(page, sessionId).waitFor();
    const until = new Date((await sessionOf(sessionId, desk.token)).snoozed_until);
    expect([until.getHours(), until.getMinutes()]).toEqual([9, 0]);
    await server.api('DELETE', `/api/sessions/${sessionId}/snooze`, { token: desk.token });
    await waitUntil(async () => (await listed(page)).length === 0, { message: 'the event takes it out of Snoozed' });
    await page.locator('[data-count="mine"]', { hasText: '1' }).waitFor();
  }),
);

test(
  'an agent closes a conversation, reopens it and writes in it, and the customer reads it in the app',
  scenario(async () => {
    const desk = await adminDesk('Reopen Lifecycle');
    const { page } = desk;
    const customer = await launchActor('customer');
    await registerInApp(customer.page, server.url, 'reopen_reader');
    await openFromDirectory(customer.page, 'reopen lifecycle', desk.domain);
    await send(customer.page, 'The lid does not fit.');

    await openList(page, /My conversations/);
    const item = page.locator('.session-item', { hasText: 'reopen_reader' });
    await item.click();
    const sessionId = (await item.getAttribute('data-session'))!;
    await waitForMessage(page, 'The lid does not fit.', 'the admin');

    await page.locator('.pane-actions').getByRole('button', { name: 'Close', exact: true }).click();
    await page.locator('[data-status="closed"]').waitFor();
    await waitUntil(async () => !(await listed(page)).includes(sessionId), { message: 'the closed conversation leaves My conversations' });
    expect(await page.locator('#composer-text').isDisabled()).toBe(true);

    await page.locator('.pane-actions').getByRole('button', { name: 'Reopen' }).click();
    await page.locator('[data-status="active"]', { hasText: 'Assigned to you' }).waitFor();
    await listItem(page, sessionId).waitFor();
    expect(await page.locator('#composer-text').isDisabled()).toBe(false);
    await send(page, 'Reopened: a new lid is on its way.');
    await waitForMessage(page, 'Reopened: a new lid is on its way.', 'the admin');
    await waitForMessage(customer.page, 'Reopened: a new lid is on its way.', 'the customer');
    expect(await sessionOf(sessionId, desk.token)).toMatchObject({ status: 'active', agent_id: desk.adminId, snoozed: false });
    await shoot(page, 'reopened');
  }),
);

/** The settings form's group for one period. */
function period(page: Page, label: string) {
  return page.getByRole('group', { name: label, exact: true });
}

async function setPeriod(page: Page, label: string, amount: string, unit: string): Promise<void> {
  await period(page, label).getByRole('combobox').selectOption(unit);
  await period(page, label).getByRole('spinbutton').fill(amount);
}

function day(page: Page, name: string) {
  return page.getByRole('group', { name, exact: true });
}

test(
  'an admin sets business hours and the three periods, sees them after a reload, and a bad value shows its field error',
  scenario(async () => {
    const desk = await adminDesk('Hours Desk');
    const { page } = desk;
    const scripts = scriptRequests(page);
    expect(scripts.some((u) => u.includes('/assets/SettingsAdmin-')), 'the settings screen is not in the first load').toBe(false);
    await openList(page, /Settings/);
    await page.getByRole('heading', { name: 'Organization settings' }).waitFor();
    expect(scripts.some((u) => u.includes('/assets/SettingsAdmin-'))).toBe(true);

    // Everything starts off; turning hours on offers weekdays 9 to 5 in the browser's zone.
    for (const label of ['Reopen window', 'Close inactive conversations after', 'Answer deadline']) {
      expect(await period(page, label).getByRole('combobox').inputValue()).toBe('off');
    }
    await page.getByRole('radio', { name: 'Open at set hours' }).check();
    const browserZone = await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone);
    expect(await page.getByLabel('Time zone').inputValue()).toBe(browserZone);
    expect(await day(page, 'Monday').getByLabel('Monday opens').inputValue()).toBe('09:00');
    expect(await day(page, 'Sunday').getByRole('checkbox').isChecked()).toBe(false);

    await setPeriod(page, 'Reopen window', '2', 'hours');
    await setPeriod(page, 'Close inactive conversations after', '3', 'days');
    await setPeriod(page, 'Answer deadline', '15', 'minutes');
    await page.getByLabel('Time zone').selectOption('Europe/Paris');
    await day(page, 'Monday').getByLabel('Monday opens').fill('08:30');
    await day(page, 'Monday').getByLabel('Monday closes').fill('18:00');
    await day(page, 'Friday').getByRole('checkbox').uncheck();
    await day(page, 'Saturday').getByRole('checkbox').check();
    await day(page, 'Saturday').getByLabel('Saturday closes').fill('00:00');
    await day(page, 'Tuesday').getByRole('button', { name: 'Add hours on Tuesday' }).click();
    await day(page, 'Tuesday').getByLabel('Tuesday opens (2)').fill('19:00');
    await day(page, 'Tuesday').getByLabel('Tuesday closes (2)').fill('21:00');
    await page.getByLabel('Day off to add').fill('2026-12-25');
    await page.getByRole('button', { name: 'Add day off' }).click();
    await page.locator('[data-day-off="2026-12-25"]').waitFor();
    await expectAccessible(page, 'the settings with business hours');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Saved.').waitFor();

    const saved = (await server.api('GET', `/api/organizations/${desk.organization.id}`, { token: desk.token })).organization.settings;
    expect(saved).toMatchObject({ reopen_window_secs: 7200, auto_resolve_after_secs: 259_200, answer_deadline_secs: 900 });
    expect(saved.business_hours).toEqual({
      time_zone: 'Europe/Paris',
      weekly: [
        { day: 'mon', open: '08:30', close: '18:00' },
        { day: 'tue', open: '09:00', close: '17:00' },
        { day: 'tue', open: '19:00', close: '21:00' },
        { day: 'wed', open: '09:00', close: '17:00' },
        { day: 'thu', open: '09:00', close: '17:00' },
        { day: 'sat', open: '09:00', close: '24:00' },
      ],
      days_off: ['2026-12-25'],
    });

    // A reload shows what was saved.
    await page.reload();
    await page.getByRole('heading', { name: 'Organization settings' }).waitFor();
    expect(await period(page, 'Reopen window').getByRole('spinbutton').inputValue()).toBe('2');
    expect(await period(page, 'Reopen window').getByRole('combobox').inputValue()).toBe('hours');
    expect(await period(page, 'Close inactive conversations after').getByRole('combobox').inputValue()).toBe('days');
    expect(await period(page, 'Answer deadline').getByRole('spinbutton').inputValue()).toBe('15');
    expect(await page.getByRole('radio', { name: 'Open at set hours' }).isChecked()).toBe(true);
    expect(await page.getByLabel('Time zone').inputValue()).toBe('Europe/Paris');
    expect(await day(page, 'Monday').getByLabel('Monday opens').inputValue()).toBe('08:30');
    expect(await day(page, 'Friday').getByRole('checkbox').isChecked()).toBe(false);
    expect(await day(page, 'Saturday').getByLabel('Saturday closes').inputValue()).toBe('00:00');
    expect(await day(page, 'Tuesday').getByLabel('Tuesday closes (2)').inputValue()).toBe('21:00');
    await page.locator('[data-day-off="2026-12-25"]').waitFor();
    await shoot(page, 'settings', true);

    // Bad values: the server's problems show next to their fields, and nothing changes.
    await setPeriod(page, 'Close inactive conversations after', '31', 'days');
    await day(page, 'Monday').getByLabel('Monday closes').fill('07:00');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByRole('alert').filter({ hasText: 'Not saved' }).waitFor();
    await expectRefusal(desk.actor, 400, `/api/organizations/${desk.organization.id}`);
    const resolveError = period(page, 'Close inactive conversations after').locator('.field-error');
    expect(await resolveError.textContent()).toContain('30 days');
    const amount = period(page, 'Close inactive conversations after').getByRole('spinbutton');
    expect(await amount.getAttribute('aria-invalid')).toBe('true');
    expect(await day(page, 'Monday').locator('.field-error').textContent()).toBe('Monday closes before it opens');
    expect(await day(page, 'Monday').getByLabel('Monday closes').getAttribute('aria-invalid')).toBe('true');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-invalid'))).toBe('true');
    await expectAccessible(page, 'the settings with field errors');
    await shoot(page, 'settings-errors', true);
    const after = (await server.api('GET', `/api/organizations/${desk.organization.id}`, { token: desk.token })).organization.settings;
    expect(after.auto_resolve_after_secs).toBe(259_200);
    expect(after.business_hours.weekly[0]).toEqual({ day: 'mon', open: '08:30', close: '18:00' });

    // Fixed, it saves and the problems go.
    await setPeriod(page, 'Close inactive conversations after', '30', 'days');
    await day(page, 'Monday').getByLabel('Monday closes').fill('17:30');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Saved.').waitFor();
    expect(await page.locator('.field-error').count()).toBe(0);
    const fixed = (await server.api('GET', `/api/organizations/${desk.organization.id}`, { token: desk.token })).organization.settings;
    expect(fixed.auto_resolve_after_secs).toBe(2_592_000);
    expect(fixed.business_hours.weekly[0]).toEqual({ day: 'mon', open: '08:30', close: '17:30' });
  }),
);
