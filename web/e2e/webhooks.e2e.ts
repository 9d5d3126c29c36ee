// Webhooks as an admin sets them up in the console: an endpoint added in the Webhooks screen
// shows its secret once; a customer's message reaches a receiver on this machine, signed with
// that secret; the endpoint's deliveries list it as delivered, and the audit log who added it.

import { createHmac } from 'node:crypto';
import { type IncomingMessage, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { expectAccessible } from './support/a11y';
import { launchActor } from './support/browser';
import { customerWrites, desk, listItem, loginConsole } from './support/flows';
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

async function shoot(page: Page, name: string): Promise<void> {
  const dir = process.env.RAASEL_SHOTS;
  if (dir) await page.screenshot({ path: `${dir}/webhooks-${name}.png`, fullPage: true });
}

interface Received {
  signature: string;
  body: string;
}

/** A receiver on 127.0.0.1 that answers 200 and keeps what it gets. */
async function receiver() {
  const got: Received[] = [];
  const read = (req: IncomingMessage) =>
    new Promise<string>((resolve) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => resolve(body));
    });
  const http = createServer(async (req, res) => {
    got.push({ signature: String(req.headers['x-raasel-signature'] ?? ''), body: await read(req) });
    res.writeHead(200).end('ok');
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/raasel`, got, close: () => http.close() };
}

test(
  'an admin adds a webhook in the console, keeps its secret, and sees a signed delivery arrive',
  scenario(async () => {
    const hook = await receiver();
    try {
      const org = await desk(server.api, 'Hook Garden');
      const admin = await launchActor('admin');
      const { page } = admin;
      await loginConsole(page, server.url, org.admin.email, org.admin.password, server.api);
      await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Webhooks' }).click();
      await page.getByRole('heading', { name: 'Webhooks', level: 1 }).waitFor();
      await page.getByText('No endpoints yet.').waitFor();

      const form = page.getByRole('form', { name: 'New endpoint' });
      await form.getByLabel('URL').fill(hook.url);
      expect(await form.getByRole('checkbox', { name: 'A message or private note is written' }).isChecked()).toBe(true);
      await form.getByRole('button', { name: 'Add endpoint' }).click();
      const secret = (await page.locator('[data-webhook-secret]').textContent())!;
      expect(secret).toMatch(/^[0-9a-f]{64}$/);
      await page.locator(`[data-webhook="${hook.url}"]`).waitFor();
      await expectAccessible(page, 'the Webhooks screen');
      await shoot(page, 'added');

      // A customer writes: the receiver gets the events, signed with the secret shown.
      await customerWrites(server.api, org.organization.id, 'Do you deliver on Sundays?');
      await waitUntil(async () => hook.got.length >= 2, { message: 'the conversation and its message are delivered' });
      for (const d of hook.got) {
        const [t, v1] = d.signature.replace('t=', '').split(',v1=');
        expect(createHmac('sha256', secret).update(`${t}.${d.body}`).digest('hex')).toBe(v1);
      }
      expect(hook.got.map((d) => JSON.parse(d.body).type).sort()).toEqual(['conversation.created', 'message.created']);

      await page.getByRole('button', { name: 'I kept it' }).click();
      const row = page.locator(`[data-webhook="${hook.url}"]`);
      await row.getByRole('button', { name: 'Deliveries' }).click();
      await waitUntil(
        async () => {
          const delivered = await row.locator('[data-delivery-state="delivered"]').count();
          if (delivered < 2) await row.getByRole('button', { name: 'Refresh deliveries' }).click();
          return delivered >= 2;
        },
        { message: 'both deliveries listed as delivered' },
      );
      await expectAccessible(page, 'an endpoint with its deliveries');
      await shoot(page, 'deliveries');

      // The audit log says who added it, from where.
      await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Audit log' }).click();
      const added = page.locator('[data-audit-action="webhook.created"]');
      await added.waitFor();
      expect(await added.textContent()).toContain(hook.url);
      expect(await added.textContent()).not.toContain(secret);
      await page.locator('[data-audit-action="agent.login"]').first().waitFor();
      await expectAccessible(page, 'the audit log');
      await shoot(page, 'audit');
    } finally {
      hook.close();
    }
  }),
);

test(
  'an admin makes an API token in the console, a script reads with it, and revoking it stops it at once',
  scenario(async () => {
    const org = await desk(server.api, 'Token Garden');
    const admin = await launchActor('admin');
    const { page } = admin;
    await loginConsole(page, server.url, org.admin.email, org.admin.password, server.api);
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'API tokens' }).click();
    await page.getByRole('heading', { name: 'API tokens', level: 1 }).waitFor();
    const form = page.getByRole('form', { name: 'New token' });
    await form.getByLabel('Name').fill('CRM sync');
    await form.getByRole('button', { name: 'Make token' }).click();
    const token = (await page.locator('[data-api-token]').textContent())!;
    expect(token).toMatch(/^rsl_[0-9a-f]{64}$/);
    await expectAccessible(page, 'the API tokens screen');
    await shoot(page, 'tokens');

    // A script reads with it; writing needs a scope it lacks.
    const { sessionId } = await customerWrites(server.api, org.organization.id, 'Is my order on its way?');
    const { session } = await server.api('GET', `/api/sessions/${sessionId}`, { token });
    expect(session.id).toBe(sessionId);
    await expect(server.api('POST', `/api/sessions/${sessionId}/messages`, { token, body: { content: 'hi' } })).rejects.toThrow(/403/);
    await page.getByRole('button', { name: 'I kept it' }).click();
    await page.locator('[data-token="CRM sync"] [data-last-used]').waitFor();

    await page.locator('[data-token="CRM sync"]').getByRole('button', { name: 'Revoke' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke token' }).click();
    await page.getByText('No tokens yet.').waitFor();
    await expect(server.api('GET', `/api/sessions/${sessionId}`, { token })).rejects.toThrow(/401/);
  }),
);

test(
  'an admin exports a customer from the customer panel, then erases them and sees the placeholder',
  scenario(async () => {
    const org = await desk(server.api, 'Privacy Garden');
    const { sessionId } = await customerWrites(server.api, org.organization.id, 'My phone is 555-0199');
    const admin = await launchActor('admin');
    const { page } = admin;
    await loginConsole(page, server.url, org.admin.email, org.admin.password, server.api);
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: /All conversations/ }).click();
    await listItem(page, sessionId).click();
    if (!(await page.locator('#customer-panel').isVisible())) await page.getByRole('button', { name: 'Customer details' }).click();
    const data = page.locator('#customer-panel').getByRole('region', { name: 'Customer data' });
    const download = page.waitForEvent('download');
    await data.getByRole('button', { name: 'Export data' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/^customer-.+\.json$/);
    await data.getByText('Exported.').waitFor();
    await data.getByRole('button', { name: 'Erase customer' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Erase everywhere' }).click();
    await page.locator('[data-contact-name]', { hasText: 'Deleted customer' }).waitFor();
    const { session } = await server.api('GET', `/api/sessions/${sessionId}`, { token: org.adminToken });
    expect(session.client_name).toBe('Deleted customer');
    const { messages } = await server.api('GET', `/api/sessions/${sessionId}/messages?after=0&limit=50`, { token: org.adminToken });
    expect(messages).toEqual([]);
  }),
);
