// The Reports page as a supervisor reads it: conversations of today add up in the totals, the
// day's bar and the busiest hour; each agent has a row; a plain agent sees their own figures.

import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { expectAccessible } from './support/a11y';
import { launchActor } from './support/browser';
import { customerWrites, desk, loginConsole } from './support/flows';
import { scenario } from './support/scenario';
import { type Server, startServer } from './support/server';

let server: Server;

beforeAll(async () => {
  server = await startServer();
});

afterAll(async () => {
  await server?.stop();
});

async function shoot(page: Page, name: string): Promise<void> {
  const dir = process.env.RAASEL_SHOTS;
  if (!dir) return;
  const size = page.viewportSize();
  await page.setViewportSize({ width: 1280, height: 1500 });
  await page.screenshot({ path: `${dir}/${name}.png` });
  if (size) await page.setViewportSize(size);
}

test(
  'a supervisor reads today’s conversations in the Reports page, each agent in a row; a plain agent sees their own',
  scenario(async () => {
    const nora = { name: 'Nora Report', email: 'nora@reports-e2e.test', role: 'agent' as const };
    const org = await desk(server.api, 'Report Garden', [nora]);
    const noraId = org.agents[nora.email].id;
    // Three conversations today: two answered by the admin, one by Nora.
    for (const [n, agent, token] of [
      [1, org.adminId, org.adminToken],
      [2, org.adminId, org.adminToken],
      [3, noraId, org.agents[nora.email].token],
    ] as const) {
      const { sessionId } = await customerWrites(server.api, org.organization.id, `question ${n}`);
      await server.api('PUT', `/api/sessions/${sessionId}/assign`, { token: org.adminToken, body: { agent_id: agent } });
      await server.api('POST', `/api/sessions/${sessionId}/messages`, { token, body: { content: 'answer' } });
    }

    const admin = await launchActor('admin');
    const { page } = admin;
    await loginConsole(page, server.url, org.admin.email, org.admin.password, server.api);
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Reports' }).click();
    await page.getByRole('heading', { name: 'Reports', level: 1 }).waitFor();
    await page.locator('[data-total="opened"]', { hasText: '3' }).waitFor();
    expect(await page.locator('[data-total="first_response"]').textContent()).not.toBe('—');
    expect(await page.locator('[data-agent-row="Nora Report"] td').first().textContent()).toBe('1');
    expect(await page.locator('[data-agent-row="Report Garden Admin"] td').first().textContent()).toBe('2');
    const counts = await page.locator('.heat-map td').evaluateAll((cells) => cells.map((c) => Number(c.getAttribute('data-count'))));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(3);
    expect(await page.locator('[data-day] .bar-opened').count()).toBe(7);
    await expectAccessible(page, 'the Reports page');
    await shoot(page, 'console-reports');

    const agent = await launchActor('nora');
    await loginConsole(agent.page, server.url, nora.email, 'agent-password-1', server.api);
    await agent.page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Reports' }).click();
    await agent.page.locator('[data-total="opened"]', { hasText: '1' }).waitFor();
    expect(await agent.page.getByText('Your own figures.').count()).toBe(1);
  }),
);
