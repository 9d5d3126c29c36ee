// The console's everyday tools: older history loads on scroll up, the status switch, who of the
// team is online, all conversations filtered by status for supervisors, the title badge, take
// and transfer.

import { afterAll, beforeAll, expect, test } from 'vitest';
import { launchActor } from './support/browser';
import { DEMO, loginConsole, shownSeqs } from './support/flows';
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

/** A customer conversation with `count` messages, written through the API. */
async function longConversation(count: number): Promise<string> {
  const { token } = await server.api('POST', '/api/clients/login', { body: DEMO.customer });
  const { organization } = await server.api('GET', `/api/organizations/discover/${DEMO.domain}`);
  const { session } = await server.api('POST', '/api/sessions', {
    token,
    body: { organization_id: organization.id, message: 'message 1' },
  });
  for (let i = 2; i <= count; i++) {
    await server.api('POST', `/api/sessions/${session.id}/messages`, { token, body: { content: `message ${i}` } });
  }
  return session.id;
}

test(
  'an agent pages through history, switches status, sees the team and all conversations, takes and transfers',
  scenario(async () => {
    const sessionId = await longConversation(80);
    const john = await launchActor('john');
    await loginConsole(john.page, server.url, DEMO.admin.email, DEMO.admin.password, server.api);

    // John came online: the waiting conversation is his. Its newest page shows first.
    await john.page.getByRole('link', { name: /My conversations/ }).click();
    await john.page.locator(`.session-item[data-session="${sessionId}"]`).click();
    await waitUntil(async () => (await shownSeqs(john.page)).includes(81), { message: 'the newest messages' });
    expect((await shownSeqs(john.page))[0]).toBeGreaterThan(1);
    await john.page.locator('.messages').evaluate((el) => el.scrollTo(0, 0));
    await waitUntil(async () => (await shownSeqs(john.page))[0] === 1, { message: 'older pages load on scroll up' });
    expect(await shownSeqs(john.page)).toEqual(Array.from({ length: 81 }, (_, i) => i + 1));

    // A teammate comes online; John goes busy and she sees it.
    const jane = await launchActor('jane');
    await loginConsole(jane.page, server.url, DEMO.agent.email, DEMO.agent.password, server.api);
    await john.page.locator('.team-list li[data-agent="jane@sample.com"][data-online="true"]').waitFor();
    await john.page.getByLabel('My status').selectOption('busy');
    await jane.page.locator('.team-list li[data-agent="john@sample.com"]', { hasText: 'busy' }).waitFor();

    // With both busy, a new conversation waits in the queue; the title counts it for John.
    await jane.page.getByLabel('My status').selectOption('busy');
    await john.page.locator('.team-list li[data-agent="jane@sample.com"]', { hasText: 'busy' }).waitFor();
    await john.page.getByRole('link', { name: 'All conversations' }).click();
    const { token } = await server.api('POST', '/api/clients/login', { body: DEMO.customer });
    const { organization } = await server.api('GET', `/api/organizations/discover/${DEMO.domain}`);
    const { session } = await server.api('POST', '/api/sessions', {
      token,
      body: { organization_id: organization.id, message: 'new question' },
    });
    expect(session.status).toBe('waiting');
    await waitUntil(async () => (await john.page.title()) === '(1) Raasel console', { message: 'the title badge counts it' });

    // Supervisors and admins see all conversations, by status.
    await john.page.getByLabel('Status', { exact: true }).selectOption('waiting');
    const waiting = john.page.locator(`.session-list .session-item[data-session="${session.id}"]`);
    await waiting.waitFor();
    expect(await john.page.locator('.session-list .session-item').count()).toBe(1);
    await john.page.getByLabel('Status', { exact: true }).selectOption('active');
    await john.page.locator(`.session-list .session-item[data-session="${sessionId}"]`).waitFor();
    await john.page.getByLabel('Status', { exact: true }).selectOption('closed');
    await waitUntil(async () => (await john.page.locator('.session-list .session-item').count()) === 0, {
      message: 'no closed conversation yet',
    });

    // Opening the new conversation clears the badge.
    await john.page.getByRole('link', { name: /Queue/ }).click();
    await john.page.locator(`.session-item[data-session="${session.id}"]`).click();
    await waitUntil(async () => (await john.page.title()) === 'Raasel console', { message: 'the title badge clears' });

    // John takes it from the queue, then transfers it to Jane, who sees it among hers.
    await john.page.getByRole('button', { name: 'Take' }).click();
    await john.page.locator('[data-status="active"]', { hasText: 'Assigned to you' }).waitFor();
    await john.page.getByLabel('Transfer to').selectOption({ label: 'Jane Doe' });
    await john.page.getByRole('button', { name: 'Transfer' }).click();
    await john.page.locator('[data-status="active"]', { hasText: 'Assigned to Jane Doe' }).waitFor();
    await jane.page.getByRole('link', { name: /My conversations/ }).click();
    await jane.page.locator(`.session-item[data-session="${session.id}"]`).waitFor();
  }),
);
