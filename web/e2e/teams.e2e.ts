// Teams as people use them: an admin makes a Sales team in the Teams screen and lets customers
// choose a team in the settings; a visitor picks Sales in the widget and reaches the Sales agent
// while the other agent's console never lists the conversation; a site preselects a team with
// data-team; an agent moves a conversation to another team, whose agent gets it; a customer of
// the app picks a team. The new screens pass axe-core at desktop and phone width.

import type { Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { expectAccessible } from './support/a11y';
import { DESKTOP, PHONE, launchActor } from './support/browser';
import {
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
import { type Api, type Server, startServer } from './support/server';
import { waitUntil } from './support/wait';

let server: Server;

beforeAll(async () => {
  server = await startServer();
});

afterAll(async () => {
  await server?.stop();
});

const SALLY = { name: 'Sally Sales', role: 'agent' as const };
const PAT = { name: 'Pat Support', role: 'agent' as const };
const AGENT_PASSWORD = 'agent-password-1';

/**
 * Screenshots to look at while changing these screens (RAASEL_SHOTS=<dir>): desktop and phone,
 * `tall` ones in a viewport high enough for a long page.
 */
async function shoot(page: Page, name: string, tall = false): Promise<void> {
  const dir = process.env.RAASEL_SHOTS;
  if (!dir) return;
  const size = page.viewportSize() ?? DESKTOP;
  const height = (h: number) => (tall ? 1600 : h);
  await page.setViewportSize({ width: size.width, height: height(size.height) });
  await page.screenshot({ path: `${dir}/teams-${name}.png` });
  if (size.width !== PHONE.width) {
    await page.setViewportSize({ width: PHONE.width, height: height(PHONE.height) });
    // The widget's frame lays itself out again for a phone a moment later.
    await page.waitForTimeout(300);
    await page.screenshot({ path: `${dir}/teams-${name}-phone.png` });
  }
  await page.setViewportSize(size);
}

/** An organization with Sally and Pat, plain agents (`slug` keeps e-mails apart per test). */
async function teamDesk(name: string, slug: string) {
  const sally = { ...SALLY, email: `sally@${slug}.test` };
  const pat = { ...PAT, email: `pat@${slug}.test` };
  const org = await newDesk(server.api, name, [sally, pat]);
  return { ...org, sally: { ...sally, ...org.agents[sally.email] }, pat: { ...pat, ...org.agents[pat.email] } };
}

async function createTeam(api: Api, token: string, name: string, members: string[]): Promise<string> {
  const { team } = await api('POST', '/api/teams', { token, body: { name, members } });
  return team.id;
}

async function agentConsole(name: string, email: string, password = AGENT_PASSWORD) {
  const actor = await launchActor(name);
  await loginConsole(actor.page, server.url, email, password, server.api);
  return actor;
}

/** Records every conversation id a console page ever shows in a list, from now on. */
async function recordListed(page: Page): Promise<() => Promise<string[]>> {
  await page.evaluate(() => {
    const seen = new Set<string>();
    const look = () => document.querySelectorAll('[data-session]').forEach((el) => seen.add(el.getAttribute('data-session') ?? ''));
    look();
    new MutationObserver(look).observe(document.body, { subtree: true, childList: true, attributes: true });
    (window as unknown as { listedEver: () => string[] }).listedEver = () => [...seen];
  });
  return () => page.evaluate(() => (window as unknown as { listedEver: () => string[] }).listedEver());
}

async function openList(page: Page, name: RegExp): Promise<void> {
  await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name }).click();
}

/** A registered customer who writes `first` to the organization's `teamId`. */
async function customerWritesTo(organizationId: string, teamId: string, first: string) {
  const username = `team_customer_${Date.now() % 1_000_000}`;
  const { token } = await server.api('POST', '/api/clients/register', {
    body: { username, email: `${username}@example.com`, password: 'customer-password-1' },
  });
  const { session } = await server.api('POST', '/api/sessions', {
    token,
    body: { organization_id: organizationId, team_id: teamId, message: first },
  });
  return { sessionId: session.id as string, username };
}

/** A note of the conversation itself (who joined, where it moved). */
function systemNote(page: Page, text: string) {
  return page.locator('.messages .system-note', { hasText: text });
}

function teamOption(frame: Frame, name: string) {
  return frame.locator(`[data-team-option="${name}"]`);
}

test(
  'an admin makes a Sales team with one agent; a visitor who picks Sales reaches that agent and the other console never lists it',
  scenario(async () => {
    const desk = await teamDesk('Garden Teams', 'garden-teams');
    const admin = await agentConsole('admin', desk.admin.email, desk.admin.password);
    const { page } = admin;

    // The Teams screen loads when first opened; the default team lists every agent.
    await openList(page, /^Teams$/);
    await page.getByRole('heading', { name: 'Teams', level: 1 }).waitFor();
    const everyone = page.locator('[data-team-row="Everyone"]');
    await everyone.getByRole('checkbox', { name: /Sally Sales/ }).waitFor();
    expect(await everyone.getByRole('checkbox', { checked: true }).count()).toBe(3);
    expect(await everyone.getByRole('button', { name: 'Delete' }).count(), 'the default team stays').toBe(0);

    const form = page.getByRole('form', { name: 'New team' });
    await form.getByLabel('Name').fill('Sales');
    await form.getByRole('checkbox', { name: /Sally Sales/ }).check();
    await form.getByRole('button', { name: 'Create team' }).click();
    await page.getByRole('status').filter({ hasText: 'Created Sales.' }).waitFor();
    const sales = page.locator('[data-team-row="Sales"]');
    expect(await sales.getByRole('checkbox', { name: /Sally Sales/ }).isChecked()).toBe(true);
    expect(await sales.getByRole('checkbox', { name: /Pat Support/ }).isChecked()).toBe(false);
    const { teams } = await server.api('GET', '/api/teams', { token: desk.adminToken });
    const salesTeam = teams.find((t: { name: string }) => t.name === 'Sales');
    expect(salesTeam.members).toEqual([desk.sally.id]);
    await expectAccessible(page, 'the Teams screen');
    await shoot(page, 'admin', true);

    // Customers choose a team: a switch in the settings.
    await openList(page, /Settings/);
    const choice = page.getByRole('checkbox', { name: 'Customers choose a team' });
    await choice.check();
    expect(await page.getByRole('checkbox', { name: 'Supervisors see every conversation' }).isChecked()).toBe(true);
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Saved.', { exact: true }).waitFor();
    await expectAccessible(page, 'the settings with the team rules');
    await page.getByRole('group', { name: 'Teams' }).scrollIntoViewIfNeeded();
    await shoot(page, 'settings');

    // Pat logs in first: free, online, and first in the round robin, but not in Sales.
    const pat = await agentConsole('pat', desk.pat.email);
    const everListedByPat = await recordListed(pat.page);
    const sally = await agentConsole('sally', desk.sally.email);

    const host: HostSite = await startHostSite(server.url, { 'data-organization': desk.domain });
    try {
      const visitor = await launchActor('visitor');
      await visitor.page.goto(host.url);
      await launcher(visitor.page).click();
      const frame = await widgetFrame(visitor.page);
      await frame.locator('[data-team-picker]').waitFor();
      expect(await teamOption(frame, 'Sales').getAttribute('data-availability')).toBe('available');
      expect(await frame.locator('#composer-text').isDisabled(), 'a team first').toBe(true);
      await expectAccessible(frame, 'the widget offering teams');
      await shoot(visitor.page, 'widget-choice');

      await teamOption(frame, 'Sales').getByRole('radio').check();
      await send(frame, 'Do you sell rose bushes by the dozen?');
      await waitUntil(async () => (await frame.locator('[data-answerer]').textContent())?.includes('Sally Sales'), {
        message: 'the visitor is told Sally answers',
      });
      await frame.locator('[data-team-picker]').waitFor({ state: 'detached' });

      // Sally has it among hers, with its team; Pat's console never listed it.
      await openList(sally.page, /My conversations/);
      const item = sally.page.locator('.session-list .session-item').first();
      await item.waitFor();
      const sessionId = (await item.getAttribute('data-session'))!;
      expect(await item.locator('.team-badge').textContent()).toContain('Sales');
      await item.click();
      await waitForMessage(sally.page, 'Do you sell rose bushes by the dozen?', 'Sally');
      expect((await server.api('GET', `/api/sessions/${sessionId}`, { token: desk.adminToken })).session).toMatchObject({
        team_id: salesTeam.id,
        agent_id: desk.sally.id,
      });
      await openList(pat.page, /My conversations/);
      await openList(pat.page, /Queue/);
      await pat.page.getByText('Nobody is waiting.').waitFor();
      expect(await everListedByPat()).not.toContain(sessionId);
    } finally {
      await host.close();
    }
  }),
);

test(
  'a site preselects a team with data-team: the widget opens with it chosen and its agent answers',
  scenario(async () => {
    const desk = await teamDesk('Preselect Teams', 'preselect-teams');
    await createTeam(server.api, desk.adminToken, 'Sales', [desk.sally.id]);
    const support = await createTeam(server.api, desk.adminToken, 'Customer Support', [desk.pat.id]);
    await server.api('PUT', `/api/organizations/${desk.organization.id}`, { token: desk.adminToken, body: { settings: { team_choice: true } } });
    const pat = await agentConsole('pat', desk.pat.email);

    // Named in any case on the script tag.
    const host = await startHostSite(server.url, { 'data-organization': desk.domain, 'data-team': 'customer support' });
    try {
      const visitor = await launchActor('visitor', PHONE);
      await visitor.page.goto(host.url);
      await launcher(visitor.page).click();
      const frame = await widgetFrame(visitor.page);
      await frame.locator('[data-team-picker]').waitFor();
      expect(await teamOption(frame, 'Customer Support').getByRole('radio').isChecked()).toBe(true);
      expect(await teamOption(frame, 'Sales').getAttribute('data-availability')).toBe('offline');
      expect(await frame.locator('#composer-text').isDisabled(), 'ready to write at once').toBe(false);
      await expectAccessible(frame, 'the widget with a preselected team at phone width');
      await shoot(visitor.page, 'widget-preselected-phone');

      await send(frame, 'My watering can leaks.');
      await openList(pat.page, /My conversations/);
      const item = pat.page.locator('.session-list .session-item').first();
      await item.click();
      await waitForMessage(pat.page, 'My watering can leaks.', 'Pat');
      const sessionId = (await item.getAttribute('data-session'))!;
      expect((await server.api('GET', `/api/sessions/${sessionId}`, { token: desk.adminToken })).session.team_id).toBe(support);
    } finally {
      await host.close();
    }
  }),
);

test(
  'an agent moves a conversation to another team: it leaves their list with a note and the other team’s agent gets it',
  scenario(async () => {
    const desk = await teamDesk('Moving Teams', 'moving-teams');
    const sales = await createTeam(server.api, desk.adminToken, 'Sales', [desk.sally.id]);
    const support = await createTeam(server.api, desk.adminToken, 'Support', [desk.pat.id]);
    const sally = await agentConsole('sally', desk.sally.email);
    const pat = await agentConsole('pat', desk.pat.email);
    const { sessionId } = await customerWritesTo(desk.organization.id, sales, 'Actually my order arrived broken.');

    await openList(sally.page, /My conversations/);
    await listItem(sally.page, sessionId).click();
    await waitForMessage(sally.page, 'Actually my order arrived broken.', 'Sally');
    const move = sally.page.getByRole('combobox', { name: 'Move to team' });
    expect(await move.locator('option').allTextContents()).toEqual(['Move to team…', 'Everyone', 'Support']);
    await expectAccessible(sally.page, 'a conversation with the move control');
    await shoot(sally.page, 'move-control');
    await move.selectOption({ label: 'Support' });
    await sally.page.locator('.team-move').getByRole('button', { name: 'Move' }).click();

    await systemNote(sally.page, 'The conversation moved to the Support team').waitFor();
    await waitUntil(async () => (await listItem(sally.page, sessionId).count()) === 0, { message: 'the conversation leaves Sally’s list' });
    await sally.page.locator('[data-status="active"]', { hasText: 'Assigned to Pat Support' }).waitFor();

    // Pat is given it, with its new team on the list item; the team filter narrows the list.
    await openList(pat.page, /My conversations/);
    await listItem(pat.page, sessionId).waitFor();
    expect(await listItem(pat.page, sessionId).locator('.team-badge').textContent()).toContain('Support');
    const filter = pat.page.getByRole('combobox', { name: 'Team', exact: true });
    await filter.selectOption({ label: 'Sales' });
    await waitUntil(async () => (await listItem(pat.page, sessionId).count()) === 0, { message: 'the Sales filter hides it' });
    await filter.selectOption({ label: 'Support' });
    await listItem(pat.page, sessionId).waitFor();
    await listItem(pat.page, sessionId).click();
    await systemNote(pat.page, 'The conversation moved to the Support team').waitFor();
    await expectAccessible(pat.page, 'the list with the team filter');
    await shoot(pat.page, 'moved-list');
    const moved = (await server.api('GET', `/api/sessions/${sessionId}`, { token: desk.adminToken })).session;
    expect(moved).toMatchObject({ team_id: support, agent_id: desk.pat.id, status: 'active' });
  }),
);

test(
  'in the customer app, a customer picks a team of an organization nobody of which is online, and is told that team is offline',
  scenario(async () => {
    const desk = await teamDesk('App Teams', 'app-teams');
    const sales = await createTeam(server.api, desk.adminToken, 'Sales', [desk.sally.id]);
    await server.api('PUT', `/api/organizations/${desk.organization.id}`, { token: desk.adminToken, body: { settings: { team_choice: true } } });

    const customer = await launchActor('customer');
    await registerInApp(customer.page, server.url, 'app_team_chooser');
    await openFromDirectory(customer.page, 'app teams', desk.domain);
    const { page } = customer;
    await page.locator('[data-team-picker]').waitFor();
    expect(await page.locator('#composer-text').isDisabled()).toBe(true);
    await page.locator('[data-team-option="Sales"]').getByRole('radio').check();
    await page.locator('[data-offline-message]').waitFor();
    await expectAccessible(page, 'the customer app offering teams');
    await shoot(page, 'app-choice');

    await send(page, 'Is the spring catalogue out?');
    await waitForMessage(page, 'Is the spring catalogue out?', 'the customer');
    await page.locator('[data-team-picker]').waitFor({ state: 'detached' });
    const { sessions } = await server.api('GET', `/api/sessions/organization/${desk.organization.id}?team=${sales}`, { token: desk.adminToken });
    expect(sessions.map((s: { client_name: string }) => s.client_name)).toEqual(['app_team_chooser']);
  }),
);

test(
  'an admin gives Sales hours of its own: a visitor picking Sales is told when it is back while the default team answers, and an agent added to Sales sees its queue live',
  scenario(async () => {
    const desk = await teamDesk('Hours Teams', 'hours-teams');
    await createTeam(server.api, desk.adminToken, 'Sales', [desk.sally.id]);
    await server.api('PUT', `/api/organizations/${desk.organization.id}`, { token: desk.adminToken, body: { settings: { team_choice: true } } });
    const admin = await agentConsole('admin', desk.admin.email, desk.admin.password);
    const { page } = admin;
    const pat = await agentConsole('pat', desk.pat.email);

    // Sales opens on one weekday only, two days from now in the zone the form offers: closed now.
    await openList(page, /^Teams$/);
    const row = page.locator('[data-team-row="Sales"]');
    await row.getByText("Hours: the organization's").click();
    await row.getByRole('radio', { name: 'Open at set hours' }).check();
    const zone = await row.locator('select[name="time_zone"]').inputValue();
    const weekday = (at: Date) => at.toLocaleDateString('en-GB', { weekday: 'long', timeZone: zone });
    const openDay = weekday(new Date(Date.now() + 2 * 86_400_000));
    for (const day of ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday']) {
      const box = row.getByRole('checkbox', { name: day, exact: true });
      if ((await box.isChecked()) !== (day === openDay)) await box.click();
    }
    await row.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved Sales.' }).waitFor();
    await row.getByText('Hours: its own').waitFor();
    await expectAccessible(page, 'the Teams screen with a team’s own hours');
    await shoot(page, 'hours', true);
    const { teams } = await server.api('GET', '/api/teams', { token: desk.adminToken });
    const sales = teams.find((t: { name: string }) => t.name === 'Sales');
    expect(sales.business_hours).toMatchObject({ time_zone: zone, weekly: [{ open: '09:00', close: '17:00' }] });

    const host: HostSite = await startHostSite(server.url, { 'data-organization': desk.domain });
    try {
      const visitor = await launchActor('visitor');
      await visitor.page.goto(host.url);
      await launcher(visitor.page).click();
      const frame = await widgetFrame(visitor.page);
      await frame.locator('[data-team-picker]').waitFor();
      expect(await teamOption(frame, 'Sales').getAttribute('data-availability')).toBe('offline');
      expect(await teamOption(frame, 'Everyone').getAttribute('data-availability')).toBe('available');
      await teamOption(frame, 'Sales').getByRole('radio').check();
      await frame.locator('[data-reopens]', { hasText: `We are back on ${openDay} at 09:00.` }).waitFor();
      await send(frame, 'Can I order seeds for next spring?');
      await waitForMessage(frame, 'Can I order seeds for next spring?', 'the visitor');
      // Written to Sales, the header speaks for Sales.
      await frame.locator('[data-answerer]', { hasText: `We are offline · back on ${openDay} at 09:00` }).waitFor();
      await shoot(visitor.page, 'widget-team-closed');
    } finally {
      await host.close();
    }

    // Pat is not in Sales: his queue does not list its waiting conversation, until the admin
    // adds him, which his console hears at once.
    await openList(pat.page, /Queue/);
    await pat.page.getByText('Nobody is waiting.').waitFor();
    await server.api('PUT', `/api/teams/${sales.id}`, { token: desk.adminToken, body: { members: [desk.sally.id, desk.pat.id] } });
    await pat.page.locator('.session-list .session-item').first().waitFor();
    expect(await pat.page.locator('.session-list .session-item').count()).toBe(1);
  }),
);
