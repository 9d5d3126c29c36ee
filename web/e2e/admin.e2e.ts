// An admin manages the team and the organization: creates an agent (who can then log in),
// changes role and capacity, deletes one, changes the widget colour (which the widget on
// another site then shows) and copies the embed snippet.

import { afterAll, beforeAll, expect, test } from 'vitest';
import { expectAccessible } from './support/a11y';
import { launchActor } from './support/browser';
import { DEMO, launcher, loginConsole, widgetFrame } from './support/flows';
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

async function agentsByEmail(): Promise<Record<string, any>> {
  const { email, password } = DEMO.admin;
  const { token, agent } = await server.api('POST', '/api/agents/login', { body: { email, password } });
  const { agents } = await server.api('GET', `/api/agents/organization/${agent.organization_id}`, { token });
  return Object.fromEntries(agents.map((a: any) => [a.email, a]));
}

test(
  'an admin creates an agent and changes the widget colour, which the widget shows',
  scenario(async () => {
    const admin = await launchActor('admin');
    const page = admin.page;
    await loginConsole(page, server.url, DEMO.admin.email, DEMO.admin.password, server.api);

    await page.getByRole('link', { name: 'Agents' }).click();
    const form = page.getByRole('form', { name: 'Add an agent' });
    await form.getByLabel('Name').fill('Ben Baker');
    await form.getByLabel('E-mail').fill('ben@sample.com');
    await form.getByLabel('Password').fill('ben-password-1');
    await form.getByLabel('Role').selectOption('supervisor');
    await form.getByRole('button', { name: 'Create agent' }).click();
    const row = page.locator('tr[data-agent="ben@sample.com"]');
    await row.waitFor();
    await expectAccessible(page, 'the agents page');

    await row.getByLabel('Capacity of Ben Baker').fill('3');
    await row.getByRole('button', { name: 'Save' }).click();
    await waitUntil(async () => (await agentsByEmail())['ben@sample.com']?.max_concurrent_sessions === 3, {
      message: "Ben's capacity is 3",
    });
    await row.getByLabel('Role of Ben Baker').selectOption('agent');
    await waitUntil(async () => (await agentsByEmail())['ben@sample.com']?.role === 'agent', { message: 'Ben is an agent' });
    const login = await server.api('POST', '/api/agents/login', { body: { email: 'ben@sample.com', password: 'ben-password-1' } });
    expect(login.agent.name).toBe('Ben Baker');

    const jane = page.locator('tr[data-agent="jane@sample.com"]');
    await jane.getByRole('button', { name: 'Delete Jane Doe' }).click();
    await jane.getByRole('button', { name: 'Delete Jane Doe' }).click();
    await waitUntil(async () => (await page.locator('tr[data-agent="jane@sample.com"]').count()) === 0, {
      message: 'Jane is gone from the list',
    });
    expect((await agentsByEmail())['jane@sample.com']).toBeUndefined();

    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByLabel('Widget colour (hex)').fill('#0f766e');
    await page.getByLabel('Welcome message', { exact: true }).fill('Welcome to the new Sample!');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Saved.').waitFor();
    const snippet = await page.getByRole('textbox', { name: 'Embed snippet' }).inputValue();
    expect(snippet).toBe(`<script src="${server.url}/widget.js" data-organization="sample.com" async></script>`);
    await page.getByRole('button', { name: 'Copy snippet' }).click();
    await page.getByText(/Copied|Selected/).waitFor();
    await expectAccessible(page, 'the settings page');

    const visitor = await launchActor('visitor');
    await visitor.page.goto(host.url);
    await waitUntil(async () => (await launcher(visitor.page).getAttribute('data-color')) === '#0f766e', {
      message: 'the launcher shows the new colour',
    });
    await launcher(visitor.page).click();
    const frame = await widgetFrame(visitor.page);
    await frame.getByText('Welcome to the new Sample!').waitFor();
    const header = await frame.locator('.widget-header').evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(header).toBe('rgb(15, 118, 110)');
    await expectAccessible(frame, 'the widget in the new colour');
  }),
);
