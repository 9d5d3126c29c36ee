// The widget's chat window shows a visitor's conversation only to the page the loader named:
// another origin of the same site (so its frames share the storage where the visitor is kept)
// framing /widget/ with `parent=*`, with the origin of the page where the visitor chatted, with
// no `parent`, or with its own origin but the referrer hidden, gets a refusal and nothing else:
// no visitor read, no API call or socket, no message posted to it. One that names its own origin
// truthfully gets a working widget, but with a visitor of its own: the frame keeps one visitor
// per embedding origin. The demo page keeps working and keeps its conversation.

import type { Frame, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { expectAccessible } from './support/a11y';
import { launchActor } from './support/browser';
import { DEMO, launcher, send, shownMessages, waitForMark, waitForMessage, widgetFrame } from './support/flows';
import { type HostSite, startPages } from './support/host-page';
import { scenario } from './support/scenario';
import { type Server, startServer } from './support/server';
import { waitUntil } from './support/wait';

const REFUSAL = 'This chat cannot be shown on this page.';
const SECRET = 'My order 4711 goes to 12 Elm Street';
const WELCOME = 'Hi! Welcome to Sample. How can we help?';

let server: Server;
let attacker: HostSite;

/** A page that frames the chat window itself, listening for anything the frame posts to it. */
function framingPage(src: string, iframeAttributes = ''): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Other page of the site</title>
<link rel="icon" href="data:,"></head>
<body><main><h1>Other page of the site</h1>
<iframe name="chat" title="Chat" src="${src}"${iframeAttributes} style="width:380px;height:600px"></iframe></main>
<script>window.received = []; addEventListener('message', (e) => window.received.push(JSON.stringify(e.data)));</script>
</body></html>`;
}

beforeAll(async () => {
  server = await startServer();
  const widget = `${server.url}/widget/?org=${DEMO.domain}`;
  // Raasel runs on http://127.0.0.1:PORT; this site on http://127.0.0.1:OTHER, the same site.
  attacker = await startPages('127.0.0.1', (own) => ({
    '/star': framingPage(`${widget}&amp;parent=*`),
    '/claims-demo': framingPage(`${widget}&amp;parent=${encodeURIComponent(server.url)}`),
    '/no-parent': framingPage(widget),
    '/hidden-referrer': framingPage(`${widget}&amp;parent=${encodeURIComponent(own)}`, ' referrerpolicy="no-referrer"'),
    '/own-origin': framingPage(`${widget}&amp;parent=${encodeURIComponent(own)}`),
  }));
});

afterAll(async () => {
  await attacker?.close();
  await server?.stop();
});

/** Requests of the chat window that would mean it started: the API or the socket. */
function chatRequests(page: Page): string[] {
  const seen: string[] = [];
  page.on('request', (req: Request) => {
    const url = new URL(req.url());
    if (url.origin === server.url && (url.pathname.startsWith('/api/') || url.pathname.startsWith('/socket.io'))) seen.push(req.url());
  });
  return seen;
}

/** The visitors the chat window keeps in its own storage, by embedding origin. */
async function storedVisitors(frame: Frame): Promise<{ byOrigin: Record<string, string>; keys: string[] }> {
  return frame.evaluate(() => {
    const byOrigin: Record<string, string> = {};
    const keys = Object.keys(localStorage);
    for (const key of keys) {
      const [prefix, origin] = key.split(':');
      if (prefix === 'raasel.visitor' && origin) byOrigin[decodeURIComponent(origin)] = JSON.parse(localStorage.getItem(key)!).client.id;
    }
    return { byOrigin, keys };
  });
}

/** The visitor chats in the widget of the demo page, a legitimate embedding. */
async function chatOnDemo(page: Page): Promise<void> {
  await page.goto(`${server.url}/demo`);
  await launcher(page).click();
  const legit = await widgetFrame(page);
  await legit.getByText(WELCOME).waitFor();
  await send(legit, SECRET);
  await waitForMark(legit, SECRET, 'sent', 'the visitor on the demo page');
}

test(
  'a page of another origin framing the chat window sees a refusal, never the stored conversation',
  scenario(async () => {
    const visitor = await launchActor('visitor');
    await chatOnDemo(visitor.page);

    // The same browser on other pages of the same site that frame the chat window.
    for (const path of ['/star', '/claims-demo', '/no-parent', '/hidden-referrer']) {
      const page = await visitor.context.newPage();
      const requests = chatRequests(page);
      await page.goto(attacker.url + path);
      const frame = await waitUntil(() => page.frame({ name: 'chat' }), { message: `the frame of ${path}` });
      await frame!.getByText(REFUSAL).waitFor();
      // Long enough for a chat window that did start to show the conversation.
      await page.waitForTimeout(1500);
      const text = await frame!.locator('body').innerText();
      expect(text, path).toContain(REFUSAL);
      expect(text, path).not.toContain(SECRET);
      expect(text, path).not.toContain(WELCOME);
      expect(await frame!.locator('#composer-text').count(), path).toBe(0);
      expect(requests, `${path}: the refused window calls no API and opens no socket`).toEqual([]);
      expect(await page.evaluate(() => (window as any).received), `${path}: the refused window posts nothing`).toEqual([]);
      if (path === '/star') await expectAccessible(frame!, 'the refused chat window');
      await page.close();
    }

    // The demo page still has the conversation, in its frame loaded at once.
    await visitor.page.goto(`${server.url}/demo`);
    await launcher(visitor.page).waitFor();
    await widgetFrame(visitor.page);
    await launcher(visitor.page).click();
    const again = await widgetFrame(visitor.page);
    await waitForMessage(again, SECRET, 'the visitor back on the demo page');
    expect(await again.locator('body').innerText()).not.toContain(REFUSAL);
    await send(again, 'Still here');
    await waitForMark(again, 'Still here', 'sent', 'the visitor back on the demo page');
    // The window still talks with its loader: its close button closes it.
    await again.getByRole('button', { name: 'Close chat' }).click();
    await waitUntil(async () => (await launcher(visitor.page).getAttribute('aria-expanded')) === 'false', {
      message: 'the close button of the chat window closes it on the demo page',
    });
  }),
);

test(
  'a page of another origin naming its own origin gets a working widget with a new visitor, not the stored conversation',
  scenario(async () => {
    const visitor = await launchActor('visitor');
    await chatOnDemo(visitor.page);

    // The same browser on a page of the same site, another origin, that frames the chat window
    // and names its own origin truthfully (the referrer says the same): the check passes.
    const page = await visitor.context.newPage();
    await page.goto(`${attacker.url}/own-origin`);
    const frame = (await waitUntil(() => page.frame({ name: 'chat' }), { message: 'the frame of /own-origin' }))!;
    // A working widget: the welcome of a conversation not started yet, and the composer.
    await frame.getByText(WELCOME).waitFor();
    await frame.locator('#composer-text').waitFor();
    // Long enough for a window that had the demo visitor to show their conversation.
    await page.waitForTimeout(1500);
    const text = await frame.locator('body').innerText();
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(REFUSAL);
    expect(await shownMessages(frame), 'a new conversation: no stored message').toEqual([]);
    // It talks with the page that really embeds it.
    expect(await page.evaluate(() => (window as any).received as string[])).toContainEqual(JSON.stringify({ source: 'raasel-widget', type: 'ready' }));

    // Its visitor is a new one, kept under its own origin beside the demo page's visitor, in the
    // storage both frames share; no key without an origin is left.
    const stored = await waitUntil(async () => {
      const s = await storedVisitors(frame);
      return s.byOrigin[attacker.url] ? s : null;
    }, { message: 'the visitor of /own-origin stored under its origin' });
    expect(stored!.byOrigin[server.url], "the demo page's visitor").toBeTruthy();
    expect(stored!.byOrigin[attacker.url]).not.toBe(stored!.byOrigin[server.url]);
    expect(stored!.keys.filter((k) => k.startsWith('raasel.visitor.'))).toEqual([]);

    // The conversation it starts is its own.
    await send(frame, 'Hello from the other page');
    await waitForMark(frame, 'Hello from the other page', 'sent', 'the visitor on /own-origin');
    expect(await shownMessages(frame)).toEqual(['Hello from the other page']);
    await page.close();

    // The demo page still has its conversation, without the other page's message.
    await visitor.page.goto(`${server.url}/demo`);
    await launcher(visitor.page).waitFor();
    await widgetFrame(visitor.page);
    await launcher(visitor.page).click();
    const again = await widgetFrame(visitor.page);
    await waitForMessage(again, SECRET, 'the visitor back on the demo page');
    expect(await shownMessages(again)).toEqual([SECRET]);
  }),
);
