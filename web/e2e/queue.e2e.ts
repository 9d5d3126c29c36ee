// The queue: when the only agent is at capacity, a second customer sees their position, the
// console shows how long they have waited, and the position disappears once they are assigned.

import { afterAll, beforeAll, expect, test } from 'vitest';
import { expectAccessible } from './support/a11y';
import { launchActor } from './support/browser';
import { createOrganization, loginConsole, loginInApp, openFromDirectory, send, waitForMessage } from './support/flows';
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

async function customer(name: string) {
  const actor = await launchActor(name);
  const email = `${name}@example.com`;
  await server.api('POST', '/api/clients/register', { body: { username: name, email, password: 'customer-password-1' } });
  await loginInApp(actor.page, server.url, email, 'customer-password-1');
  await openFromDirectory(actor.page, 'one desk', 'one-desk.test');
  return actor;
}

test(
  'a second customer sees their queue position until the busy agent is free',
  scenario(async () => {
    const org = await createOrganization(server.api, 'One Desk', { max_concurrent_sessions: 1 });
    const agent = await launchActor('agent');
    await loginConsole(agent.page, server.url, org.admin.email, org.admin.password, server.api);

    const first = await customer('first_customer');
    await send(first.page, 'I was here first');
    await waitUntil(async () => (await first.page.locator('[data-answerer]').textContent())?.includes(org.admin.name), {
      message: 'the first customer is assigned to the agent',
    });

    const second = await customer('second_customer');
    await send(second.page, 'Me too, please');
    const position = second.page.locator('[data-queue-position]');
    await position.waitFor();
    expect(await position.getAttribute('data-queue-position')).toBe('1');
    expect(await position.textContent()).toContain('next in line');
    await expectAccessible(second.page, 'the customer app while waiting');

    // The console's queue shows the waiting customer and for how long.
    await agent.page.getByRole('link', { name: /Queue/ }).click();
    const waiting = agent.page.locator('.session-item', { hasText: 'second_customer' });
    await waiting.waitFor();
    expect(await waiting.textContent()).toMatch(/Waiting (<1 min|\d+ min)/);
    await expectAccessible(agent.page, 'the console queue');

    // Closing the first conversation frees the agent: the second customer is assigned.
    await agent.page.getByRole('link', { name: /My conversations/ }).click();
    await agent.page.locator('.session-item', { hasText: 'first_customer' }).click();
    await agent.page.getByRole('button', { name: 'Close' }).click();
    await waitUntil(async () => (await second.page.locator('[data-queue-position]').count()) === 0, {
      message: 'the queue position disappears once assigned',
    });
    await waitUntil(async () => (await second.page.locator('[data-answerer]').textContent())?.includes(org.admin.name), {
      message: "the second customer sees the agent's name",
    });
    await first.page.getByText('This conversation has ended').waitFor();
    await agent.page.locator('.session-item', { hasText: 'second_customer' }).click();
    await waitForMessage(agent.page, 'Me too, please', 'the agent');
  }),
);
