// Files in conversations, as people use them: a visitor pastes a screenshot into the widget and
// the agent sees it; the agent sends a PDF from the console and the visitor downloads it; a
// large upload shows its progress and, cancelled, is never sent; a private note's file never
// reaches the visitor; in the customer app a dropped file is attached, and an organization that
// takes no files offers none. With RAASEL_SCREENSHOTS=1 it writes docs/screenshots/attachments-widget.png
// and attachments-console.png.

import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CDPSession, Frame, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { expectAccessible } from './support/a11y';
import { type Actor, launchActor } from './support/browser';
import {
  DEMO,
  createOrganization,
  launcher,
  listItem,
  loginConsole,
  openFromDirectory,
  registerInApp,
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

const DOCS_SHOTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../docs/screenshots');

let server: Server;
let host: HostSite;
let admin: { token: string; organizationId: string };

beforeAll(async () => {
  server = await startServer();
  host = await startHostSite(server.url, { 'data-organization': DEMO.domain });
  const { token, agent } = await server.api('POST', '/api/agents/login', { body: { email: DEMO.admin.email, password: DEMO.admin.password } });
  admin = { token, organizationId: agent.organization_id };
});

afterAll(async () => {
  await host?.close();
  await server?.stop();
});

/** docs/screenshots/NAME.png with RAASEL_SCREENSHOTS=1; RAASEL_SHOTS=<dir> for a look while working. */
async function shoot(target: Page | Locator, name: string): Promise<void> {
  if (process.env.RAASEL_SCREENSHOTS === '1') {
    await mkdir(DOCS_SHOTS, { recursive: true });
    await target.screenshot({ path: path.join(DOCS_SHOTS, `${name}.png`) });
  }
  if (process.env.RAASEL_SHOTS) await target.screenshot({ path: `${process.env.RAASEL_SHOTS}/${name}.png` });
}

/** A small PDF that any reader opens: one empty page, its cross-reference table and trailer. */
function tinyPdf(padding = 0): Buffer {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>',
  ];
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((object, i) => {
    offsets.push(body.length);
    body += `${i + 1} 0 obj\n${object}\nendobj\n`;
  });
  // A comment may be as long as wanted: it makes a large file that is still a PDF.
  if (padding > 0) body += `%${'0'.repeat(padding)}\n`;
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) body += `${String(offset).padStart(10, '0')} 00000 n \n`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

/** The demo organization's newest conversation. */
async function newestSession(): Promise<{ id: string }> {
  const { sessions } = await server.api('GET', `/api/sessions/organization/${admin.organizationId}`, { token: admin.token });
  return sessions.sort((a: any, b: any) => b.created_at.localeCompare(a.created_at))[0];
}

async function messagesOf(sessionId: string): Promise<any[]> {
  const { messages } = await server.api('GET', `/api/sessions/${sessionId}/messages?limit=100`, { token: admin.token });
  return messages;
}

/** A visitor on the shop's site with the chat window open. */
async function visitorOnSite(name = 'visitor'): Promise<{ actor: Actor; frame: Frame }> {
  const actor = await launchActor(name);
  await actor.page.goto(host.url);
  await launcher(actor.page).click();
  const frame = await widgetFrame(actor.page);
  await frame.locator('[data-welcome]').waitFor();
  return { actor, frame };
}

/** The console showing the conversation (John is alone online: it is his). */
async function openInConsole(page: Page, sessionId: string): Promise<void> {
  await page.getByRole('link', { name: /My conversations/ }).click();
  await listItem(page, sessionId).click();
  await page.locator('.pane .pane-title').waitFor();
}

/**
 * Pastes a picture as a screenshot tool leaves it on the clipboard: a PNG drawn on a canvas,
 * named "image.png" by the browser, in a paste event on the message box.
 */
async function pasteScreenshot(frame: Frame): Promise<void> {
  await frame.locator('#composer-text').evaluate(async (box) => {
    const canvas = document.createElement('canvas');
    canvas.width = 480;
    canvas.height = 300;
    const g = canvas.getContext('2d')!;
    g.fillStyle = '#f4f5f7';
    g.fillRect(0, 0, 480, 300);
    g.fillStyle = '#2563eb';
    g.fillRect(0, 0, 480, 44);
    g.fillStyle = '#ffffff';
    g.font = 'bold 20px sans-serif';
    g.fillText('Checkout', 16, 29);
    g.fillStyle = '#b91c1c';
    g.font = '22px sans-serif';
    g.fillText('Payment failed (error 502)', 40, 150);
    g.fillStyle = '#545b68';
    g.font = '16px sans-serif';
    g.fillText('Order #1042 · 2 items · €54.90', 40, 190);
    const blob = await new Promise<Blob>((resolve) => canvas.toBlob((b) => resolve(b!), 'image/png'));
    const data = new DataTransfer();
    data.items.add(new File([blob], 'image.png', { type: 'image/png' }));
    box.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  });
}

/** The file in the message box has finished uploading. */
async function uploaded(scope: Page | Frame, name: string): Promise<void> {
  await scope.locator('.uploads [data-upload="done"]', { hasText: name }).waitFor();
}

test(
  'a visitor pastes a screenshot that the agent sees; the agent answers with a PDF that the visitor downloads',
  scenario(async () => {
    const agent = await launchActor('agent');
    await loginConsole(agent.page, server.url, DEMO.admin.email, DEMO.admin.password, server.api);
    const { actor: visitor, frame } = await visitorOnSite();

    // The paste starts the conversation; the picture goes up named for what it is.
    await frame.locator('#composer-text').fill('The payment fails at checkout, see:');
    await pasteScreenshot(frame);
    await uploaded(frame, 'pasted-image.png');
    expect(await frame.locator('#composer-text').inputValue()).toBe('The payment fails at checkout, see:');
    await expectAccessible(frame, 'the widget with a file ready to send');
    await frame.locator('#composer-text').press('Enter');
    await waitForMark(frame, 'The payment fails at checkout, see:', 'sent', 'the visitor');
    expect(await frame.locator('.uploads').count(), 'the box is empty once sent').toBe(0);
    const session = await newestSession();
    const [stored] = (await messagesOf(session.id)).filter((m) => m.sender_type === 'client');
    expect(stored.content).toBe('The payment fails at checkout, see:');
    expect(stored.attachments).toEqual([expect.objectContaining({ name: 'pasted-image.png', kind: 'image', width: 480, height: 300 })]);

    // The agent sees the picture itself, loaded, drawn at its size without a jump.
    await openInConsole(agent.page, session.id);
    await waitForMessage(agent.page, 'The payment fails at checkout, see:', 'the agent');
    const image = agent.page.locator('.messages .file-image img');
    await waitUntil(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0), {
      message: 'the agent sees the screenshot loaded',
    });
    expect(await image.getAttribute('alt')).toBe('pasted-image.png');
    expect(await image.getAttribute('width')).toBe('240');
    expect(await image.getAttribute('height')).toBe('150');
    // It opens the full picture.
    expect(await agent.page.locator('.messages .file-image').getAttribute('target')).toBe('_blank');

    // The agent attaches a PDF with the paperclip's picker and sends it alone.
    const pdf = tinyPdf();
    const chooser = agent.page.waitForEvent('filechooser');
    await agent.page.getByRole('button', { name: 'Attach files' }).click();
    await (await chooser).setFiles({ name: 'invoice-1042.pdf', mimeType: 'application/pdf', buffer: pdf });
    await uploaded(agent.page, 'invoice-1042.pdf');
    await agent.page.getByRole('button', { name: 'Send', exact: true }).click();

    // The visitor gets it with its name, type and size, and downloads the very same bytes.
    const chip = frame.locator('.messages .file-chip', { hasText: 'invoice-1042.pdf' });
    await chip.waitFor();
    expect(await chip.locator('.file-meta').textContent()).toMatch(/^PDF · \d+ bytes$/);
    const downloading = visitor.page.waitForEvent('download');
    await chip.click();
    const download = await downloading;
    expect(download.suggestedFilename()).toBe('invoice-1042.pdf');
    expect((await readFile(await download.path())).equals(pdf)).toBe(true);
    // The visitor's own picture shows on their side too.
    await waitUntil(() => frame.locator('.messages .file-image img').evaluate((img: HTMLImageElement) => img.naturalWidth > 0), {
      message: 'the visitor sees their screenshot',
    });
    await agent.page.locator('.messages .file-chip', { hasText: 'invoice-1042.pdf' }).waitFor();

    await send(frame, 'Thanks, got it!');
    await waitForMessage(agent.page, 'Thanks, got it!', 'the agent');
    await expectAccessible(frame, 'the widget with files in the conversation');
    await expectAccessible(agent.page, 'the console with files in the conversation');
    await shoot(visitor.page.locator('[data-raasel-widget] iframe'), 'attachments-widget');
    await shoot(agent.page, 'attachments-console');
    await server.api('PUT', `/api/sessions/${session.id}/close`, { token: admin.token });
  }),
);

test(
  'a large upload shows its progress; cancelled, it is never sent',
  scenario(async () => {
    const agent = await launchActor('agent');
    await loginConsole(agent.page, server.url, DEMO.admin.email, DEMO.admin.password, server.api);
    const { actor: visitor, frame } = await visitorOnSite();
    await send(frame, 'I have a big file for you.');
    await waitForMark(frame, 'I have a big file for you.', 'sent', 'the visitor');
    const session = await newestSession();
    await openInConsole(agent.page, session.id);
    await waitForMessage(agent.page, 'I have a big file for you.', 'the agent');

    // A slow uplink, so the upload takes a while.
    await throttleUploads(visitor.page, frame, 512 * 1024);
    await frame.locator('input[type="file"]').setInputFiles({ name: 'big.pdf', mimeType: 'application/pdf', buffer: tinyPdf(8 * 1024 * 1024) });
    const bar = frame.getByRole('progressbar', { name: 'Uploading big.pdf' });
    await bar.waitFor();
    await waitUntil(async () => Number(await bar.getAttribute('aria-valuenow')) > 0, { message: 'the upload makes progress' });
    expect(Number(await bar.getAttribute('aria-valuenow'))).toBeLessThan(100);
    expect(await frame.getByRole('button', { name: 'Send', exact: true }).isDisabled(), 'nothing goes while a file uploads').toBe(true);
    await frame.locator('#composer-text').fill('Never mind');
    expect(await frame.getByRole('button', { name: 'Send', exact: true }).isDisabled()).toBe(true);
    await expectAccessible(frame, 'the widget with an upload under way');

    await frame.getByRole('button', { name: 'Cancel the upload of big.pdf' }).click();
    await waitUntil(async () => (await frame.locator('.uploads').count()) === 0, { message: 'the cancelled file leaves the box' });
    expect(await frame.getByRole('button', { name: 'Send', exact: true }).isDisabled()).toBe(false);
    await frame.locator('#composer-text').press('Enter');

    await waitForMessage(agent.page, 'Never mind', 'the agent');
    expect(await agent.page.locator('.messages [data-attachment]').count()).toBe(0);
    const messages = await messagesOf(session.id);
    expect(messages.flatMap((m) => m.attachments ?? [])).toEqual([]);
    await server.api('PUT', `/api/sessions/${session.id}/close`, { token: admin.token });
  }),
);

test(
  "a private note's file stays with the agents",
  scenario(async () => {
    const agent = await launchActor('agent');
    await loginConsole(agent.page, server.url, DEMO.admin.email, DEMO.admin.password, server.api);
    const { actor: visitor, frame } = await visitorOnSite();
    let visitorToken = '';
    visitor.page.on('request', (r) => {
      const auth = r.headers().authorization;
      if (auth && r.url().includes('/api/')) visitorToken = auth;
    });
    await send(frame, 'Where is my parcel?');
    await waitForMark(frame, 'Where is my parcel?', 'sent', 'the visitor');
    const session = await newestSession();
    await openInConsole(agent.page, session.id);
    await waitForMessage(agent.page, 'Where is my parcel?', 'the agent');

    await agent.page.getByRole('radio', { name: 'Note' }).check();
    await agent.page.locator('.agent-composer input[type="file"]').setInputFiles({
      name: 'courier-log.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('Parcel 1042 held at the depot.\n'),
    });
    await uploaded(agent.page, 'courier-log.txt');
    await send(agent.page, 'Courier log attached.');
    const note = agent.page.locator('.messages .bubble.note[data-internal="true"]');
    await note.locator('.file-chip', { hasText: 'courier-log.txt' }).waitFor();
    const fileId = (await note.locator('[data-attachment]').getAttribute('data-attachment'))!;

    await agent.page.getByRole('radio', { name: 'Reply' }).check();
    await send(agent.page, 'It is on its way.');
    await waitForMessage(frame, 'It is on its way.', 'the visitor');
    expect(await shownMessages(frame)).toEqual(['Where is my parcel?', 'It is on its way.']);
    expect(await frame.locator('[data-attachment]').count()).toBe(0);
    expect(await frame.content()).not.toContain('courier-log');

    // Nor after a reload (history from the server), nor by asking for its link.
    await visitor.page.reload();
    await launcher(visitor.page).click();
    const again = await widgetFrame(visitor.page);
    await waitForMessage(again, 'It is on its way.', 'the visitor after a reload');
    expect(await again.locator('[data-attachment]').count()).toBe(0);
    expect(visitorToken).not.toBe('');
    const asked = await fetch(`${server.url}/api/attachments/${fileId}/link`, { headers: { authorization: visitorToken } });
    expect([403, 404], 'the visitor cannot have a link to the note’s file').toContain(asked.status);
    await server.api('PUT', `/api/sessions/${session.id}/close`, { token: admin.token });
  }),
);

test(
  'in the customer app a dropped file is attached; an organization that takes no files offers none',
  scenario(async () => {
    const org = await createOrganization(server.api, 'Paper Mill');
    const customer = await launchActor('customer');
    await registerInApp(customer.page, server.url, `dropper_${process.pid}`);
    await openFromDirectory(customer.page, 'Paper Mill', org.domain);
    const page = customer.page;

    // A file dragged over the conversation outlines it; dropped, it starts the conversation and goes up.
    const files = await page.evaluateHandle(() => {
      const data = new DataTransfer();
      data.items.add(new File(['Order 1042: 3 reams, A4\n'], 'order.txt', { type: 'text/plain' }));
      return data;
    });
    const view = page.locator('.chat-view');
    await view.dispatchEvent('dragenter', { dataTransfer: files });
    expect(await view.getAttribute('class')).toContain('dropping');
    await view.dispatchEvent('drop', { dataTransfer: files });
    expect(await view.getAttribute('class')).not.toContain('dropping');
    await uploaded(page, 'order.txt');
    await page.locator('#composer-text').press('Enter');
    await page.locator('.messages [data-seq] .file-chip', { hasText: 'order.txt' }).waitFor();
    const { sessions } = await server.api('GET', `/api/sessions/organization/${org.organization.id}`, { token: org.token });
    expect(sessions).toHaveLength(1);
    const { messages } = await server.api('GET', `/api/sessions/${sessions[0].id}/messages`, { token: org.token });
    const sent = messages.filter((m: any) => m.sender_type === 'client');
    expect(sent.map((m: any) => [m.content, m.attachments.map((a: any) => a.name)])).toEqual([['', ['order.txt']]]);
    await waitUntil(async () => (await page.locator('.conversation-list').textContent())?.includes('You: 📎 order.txt'), {
      message: 'the list shows the message of a file alone by its name',
    });

    // No kinds of file taken: no paperclip, and a pasted picture is not attached.
    await server.api('PUT', `/api/organizations/${org.organization.id}`, {
      token: org.token,
      body: { settings: { attachments: { max_file_bytes: 10 * 1024 * 1024, types: [] } } },
    });
    await page.reload();
    await page.locator(`.conversation-list [data-session="${sessions[0].id}"]`).click();
    await page.locator('.messages [data-seq] .file-chip', { hasText: 'order.txt' }).waitFor();
    expect(await page.getByRole('button', { name: 'Attach files' }).count()).toBe(0);
    await page.locator('#composer-text').evaluate((box) => {
      const data = new DataTransfer();
      data.items.add(new File([new Uint8Array(8)], 'image.png', { type: 'image/png' }));
      box.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    });
    await send(page, 'No files then.');
    await waitForMark(page, 'No files then.', 'sent', 'the customer');
    expect(await page.locator('.uploads').count()).toBe(0);
    await expectAccessible(page, 'the customer app with a file in the conversation');
  }),
);

test(
  "an admin sets the organization's files in Settings and sees its storage use",
  scenario(async () => {
    const org = await createOrganization(server.api, 'File Settings');
    const admin = await launchActor('admin');
    await loginConsole(admin.page, server.url, org.admin.email, org.admin.password, server.api);
    await admin.page.getByRole('link', { name: 'Settings' }).click();
    const section = admin.page.locator('[data-file-settings]');
    await waitUntil(async () => (await section.locator('[data-file-usage]').textContent()) === '0 bytes of 1 GB used, 0 files', {
      message: 'the storage use of an organization without files',
    });
    const size = section.getByLabel('Largest file (MB)');
    expect(await size.inputValue()).toBe('10');
    const limit = await server.api('GET', '/api/attachments/usage', { token: org.token });

    // Above this server's limit: refused at the field before anything is sent.
    await size.fill(String(limit.max_file_bytes_limit / 1024 / 1024 + 1));
    await admin.page.getByRole('button', { name: 'Save settings' }).click();
    await section.getByText(/Must be at most \d+ MB, this server's limit\./).waitFor();
    expect(await size.getAttribute('aria-invalid')).toBe('true');

    // The server refuses it too, naming the field.
    const refused = await fetch(`${server.url}/api/organizations/${org.organization.id}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${org.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ settings: { attachments: { max_file_bytes: limit.max_file_bytes_limit + 1, types: ['pdf'] } } }),
    });
    expect(refused.status).toBe(400);
    const body = await refused.json();
    expect(body.error).toBe('validation_failed');
    expect(Object.keys(body.fields ?? {})).toContain('settings.attachments.max_file_bytes');

    await size.fill('2.5');
    await section.getByLabel('Archives', { exact: true }).uncheck();
    await section.getByLabel('Office documents', { exact: true }).uncheck();
    await admin.page.getByRole('button', { name: 'Save settings' }).click();
    await admin.page.getByText('Saved.').waitFor();
    const { organization } = await server.api('GET', `/api/organizations/${org.organization.id}`, { token: org.token });
    expect(organization.settings.attachments).toEqual({ max_file_bytes: 2.5 * 1024 * 1024, types: ['image', 'pdf', 'text'] });
    const { organization: profile } = await server.api('GET', `/api/organizations/discover/${org.domain}`);
    expect(profile.attachments).toEqual({ max_file_bytes: 2.5 * 1024 * 1024, types: ['image', 'pdf', 'text'] });
    await expectAccessible(admin.page, 'the Files settings');

    await admin.page.reload();
    await section.waitFor();
    expect(await section.getByLabel('Largest file (MB)').inputValue()).toBe('2.5');
    expect(await section.getByLabel('Archives', { exact: true }).isChecked()).toBe(false);
    expect(await section.getByLabel('Images', { exact: true }).isChecked()).toBe(true);
  }),
);

/** Slows the chat window's uploads: its own process when the browser isolates the frame, else the page's. */
async function throttleUploads(page: Page, frame: Frame, bytesPerSecond: number): Promise<void> {
  let session: CDPSession;
  try {
    session = await page.context().newCDPSession(frame);
  } catch {
    session = await page.context().newCDPSession(page);
  }
  await session.send('Network.enable');
  await session.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 0,
    downloadThroughput: -1,
    uploadThroughput: bytesPerSecond,
  });
}
