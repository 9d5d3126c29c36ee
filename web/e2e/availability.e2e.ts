// What a visitor is told about who can answer: with every agent busy, their place in line and
// the usual wait (from the organization's recent waits); outside business hours, offline and
// when it opens again, never "shortly".

import { afterAll, beforeAll, expect, test } from 'vitest';
import { expectAccessible } from './support/a11y';
import { launchActor } from './support/browser';
import { createOrganization, launcher, loginConsole, send, widgetFrame } from './support/flows';
import { type HostSite, startHostSite } from './support/host-page';
import { scenario } from './support/scenario';
import { type Server, startServer } from './support/server';
import { waitUntil } from './support/wait';

let server: Server;
const hosts: HostSite[] = [];

beforeAll(async () => {
  server = await startServer();
});

afterAll(async () => {
  for (const h of hosts) await h.close();
  await server?.stop();
});

/** A visitor's conversation through the API, waiting in the organization's queue. */
async function waitingVisitor(domain: string, organizationId: string, n: number): Promise<void> {
  const { token } = await server.api('POST', '/api/widget/visitors', { body: { domain, name: `Earlier ${n}` } });
  await server.api('POST', '/api/sessions', { token, body: { organization_id: organizationId, message: `question ${n}` } });
}

test(
  'with every agent busy a visitor learns their place in line and the usual wait',
  scenario(async () => {
    const org = await createOrganization(server.api, 'Busy Bees');
    const agent = await launchActor('agent');
    await loginConsole(agent.page, server.url, org.admin.email, org.admin.password, server.api);
    const status = agent.page.getByLabel('My status');

    // Five customers wait while the only agent is busy, then are taken: five recent waits.
    await status.selectOption('busy');
    for (let n = 1; n <= 5; n++) await waitingVisitor(org.domain, org.organization.id, n);
    await status.selectOption('active');
    const queue = `/api/sessions/organization/${org.organization.id}/waiting`;
    await waitUntil(async () => (await server.api('GET', queue, { token: org.token })).sessions.length === 0, {
      message: 'the five waiting conversations are assigned',
    });
    await status.selectOption('busy');

    const host = await startHostSite(server.url, { 'data-organization': org.domain });
    hosts.push(host);
    const visitor = await launchActor('visitor');
    await visitor.page.goto(host.url);
    await launcher(visitor.page).click();
    const frame = await widgetFrame(visitor.page);
    await frame.locator('[data-answerer]', { hasText: 'All our agents are busy' }).waitFor();
    await send(frame, 'Is anyone there?');
    const line = frame.locator('[data-queue-position]');
    await line.waitFor();
    expect(await line.getAttribute('data-availability')).toBe('busy');
    expect(await line.textContent()).toBe('All our agents are busy. You are next in line; usual wait about 1 minute.');
    expect(await frame.locator('[data-offline-message]').count(), 'busy is not offline').toBe(0);
    await expectAccessible(frame, 'the widget while everyone is busy');
  }),
);

test(
  'outside business hours the widget is offline and says when it opens, whatever the agents do',
  scenario(async () => {
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    const weekly = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => ({ day: d, open: '00:00', close: '24:00' }));
    const org = await createOrganization(server.api, 'Night Owls');
    await server.api('PUT', `/api/organizations/${org.organization.id}`, {
      token: org.token,
      body: {
        settings: {
          offline_message: 'The owls are asleep.',
          business_hours: { time_zone: 'UTC', weekly, days_off: [day(0), day(1)] },
        },
      },
    });
    // The agent is online and free, but the hours say closed.
    const agent = await launchActor('agent');
    await loginConsole(agent.page, server.url, org.admin.email, org.admin.password, server.api);
    const profile = await server.api('GET', `/api/organizations/discover/${org.domain}`);
    expect(profile.organization.availability).toBe('offline');
    const reopensOn = new Date(`${day(2)}T00:00:00Z`).toLocaleDateString('en-GB', { weekday: 'long', timeZone: 'UTC' });
    expect(profile.organization.reopens.local).toBe(`${reopensOn} 00:00`);

    const host = await startHostSite(server.url, { 'data-organization': org.domain });
    hosts.push(host);
    const visitor = await launchActor('visitor');
    await visitor.page.goto(host.url);
    await launcher(visitor.page).click();
    const frame = await widgetFrame(visitor.page);
    await frame.locator('[data-answerer]', { hasText: `We are offline · back on ${reopensOn} at 00:00` }).waitFor();
    await send(frame, 'Leaving a message for tomorrow');
    await frame.locator('[data-offline-message]', { hasText: 'The owls are asleep.' }).waitFor();
    expect(await frame.locator('[data-reopens]').textContent()).toContain(`We are back on ${reopensOn} at 00:00.`);
    const everything = (await frame.locator('body').textContent()) ?? '';
    expect(everything, 'offline never promises an agent shortly').not.toContain('shortly');
    await expectAccessible(frame, 'the widget outside business hours');
  }),
);
