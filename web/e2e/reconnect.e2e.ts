// The network drops mid-conversation, on one side and then the other: messages written on both
// sides meanwhile all arrive after the reconnect, and both sides end with the same messages,
// in order, none twice.

import { afterAll, beforeAll, expect, test } from 'vitest';
import { launchActor } from './support/browser';
import { DEMO, loginConsole, loginInApp, openFromDirectory, send, shownMessages, shownSeqs, waitForMessage } from './support/flows';
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

/** Every message of the conversation as stored by the server. */
async function stored(sessionId: string): Promise<string[]> {
  const { token } = await server.api('POST', '/api/clients/login', { body: DEMO.customer });
  const { messages } = await server.api('GET', `/api/sessions/${sessionId}/messages?after=0&limit=200`, { token });
  return messages.filter((m: any) => m.sender_type !== 'system').map((m: any) => m.content);
}

test(
  'both sides survive a dropped network with the same messages, none twice',
  scenario(async () => {
    const agent = await launchActor('agent');
    await loginConsole(agent.page, server.url, DEMO.admin.email, DEMO.admin.password, server.api);
    const customer = await launchActor('customer');
    await loginInApp(customer.page, server.url, DEMO.customer.email, DEMO.customer.password);
    await openFromDirectory(customer.page, 'sample', DEMO.domain);
    await send(customer.page, 'before the drop');
    await agent.page.getByRole('link', { name: /My conversations/ }).click();
    await agent.page.locator('.session-item', { hasText: 'alice' }).click();
    await waitForMessage(agent.page, 'before the drop', 'the agent');
    const sessionId = new URL(agent.page.url()).hash.split('/').pop()!;

    // The customer's network drops; both sides keep writing.
    await customer.context.setOffline(true);
    await customer.page.getByText('Reconnecting…').waitFor();
    await send(customer.page, 'written offline 1');
    await send(customer.page, 'written offline 2');
    await send(agent.page, 'agent while customer away');
    await waitForMessage(agent.page, 'agent while customer away', 'the agent');
    expect(await customer.page.locator('[data-pending]').count()).toBe(2);
    await customer.context.setOffline(false);
    await waitForMessage(customer.page, 'agent while customer away', 'the customer after reconnecting');
    await waitForMessage(agent.page, 'written offline 2', 'the agent');
    await waitUntil(async () => (await customer.page.locator('[data-pending]').count()) === 0, { message: 'nothing left pending' });

    // Now the agent's network drops.
    await agent.context.setOffline(true);
    await agent.page.getByText('Reconnecting…').first().waitFor();
    await send(agent.page, 'agent offline reply');
    await send(customer.page, 'customer while agent away');
    await waitForMessage(customer.page, 'customer while agent away', 'the customer');
    await agent.context.setOffline(false);
    await waitForMessage(agent.page, 'customer while agent away', 'the agent after reconnecting');
    await waitForMessage(customer.page, 'agent offline reply', 'the customer');
    await waitUntil(async () => (await agent.page.locator('[data-pending]').count()) === 0, { message: 'nothing pending for the agent' });

    // Caught up on both sides: the "Catching up…" notice of the fills after the reconnects is gone.
    for (const actor of [customer, agent]) {
      await waitUntil(async () => (await actor.page.locator('[data-catching-up]').count()) === 0, {
        message: `${actor.name} no longer catching up`,
      });
    }

    const expected = await stored(sessionId);
    expect(expected).toHaveLength(6);
    expect(new Set(expected).size).toBe(6);
    for (const actor of [customer, agent]) {
      const texts = (await shownMessages(actor.page)).filter((t) => expected.includes(t));
      expect(texts, `${actor.name} shows every message once, in order`).toEqual(expected);
      const seqs = await shownSeqs(actor.page);
      expect(seqs, `${actor.name} shows seqs 1..n without gaps or repeats`).toEqual(seqs.map((_, i) => i + 1));
    }
  }),
);
