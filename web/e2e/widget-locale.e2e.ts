// The widget in the visitor's language: the site's choice (data-locale, Raasel.setLocale), else
// the browser's, else the organization's default, else English; the organization's own texts in
// that language; Arabic right to left on a right-to-left site; only the language needed is
// fetched. The customer app follows the browser. With RAASEL_SCREENSHOTS=1 it writes
// docs/screenshots/widget-de.png and widget-ar.png.

import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { expectAccessible } from './support/a11y';
import { DESKTOP, launchActor } from './support/browser';
import { createOrganization, launcher, send, waitForMark, widgetFrame } from './support/flows';
import { startHostSite, startPages } from './support/host-page';
import { scenario } from './support/scenario';
import { type Server, startServer } from './support/server';
import { waitUntil } from './support/wait';

const DOCS_SHOTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../docs/screenshots');

let server: Server;

beforeAll(async () => {
  server = await startServer();
});

afterAll(async () => {
  await server?.stop();
});

/** docs/screenshots/NAME.png with RAASEL_SCREENSHOTS=1; RAASEL_SHOTS=<dir> for a look while working. */
async function shoot(page: Page, name: string): Promise<void> {
  if (process.env.RAASEL_SCREENSHOTS === '1') {
    await mkdir(DOCS_SHOTS, { recursive: true });
    await page.screenshot({ path: path.join(DOCS_SHOTS, `${name}.png`) });
  }
  if (process.env.RAASEL_SHOTS) await page.screenshot({ path: `${process.env.RAASEL_SHOTS}/${name}.png` });
}

/** The language chunks (assets/de-….js) a page fetched. */
function languageChunks(page: Page): string[] {
  const fetched: string[] = [];
  page.on('request', (r) => {
    const m = /\/assets\/(de|fr|es|ar)-[\w-]+\.js$/.exec(r.url());
    if (m) fetched.push(m[1]);
  });
  return fetched;
}

async function documentLanguage(frame: Frame): Promise<{ lang: string; dir: string }> {
  return frame.evaluate(() => ({ lang: document.documentElement.lang, dir: document.documentElement.dir }));
}

async function placeholder(frame: Frame): Promise<string | null> {
  return frame.locator('#composer-text').getAttribute('placeholder');
}

test(
  "the site's German, with the organization's German texts, switched to French by the site",
  scenario(async () => {
    const org = await createOrganization(server.api, 'Kaffeehaus');
    await server.api('PUT', `/api/organizations/${org.organization.id}`, {
      token: org.token,
      body: {
        settings: {
          texts: {
            de: {
              welcome_message: 'Willkommen im Kaffeehaus! Wie können wir helfen?',
              offline_message: 'Wir sind gerade nicht da. Schreiben Sie uns, wir melden uns.',
            },
          },
        },
      },
    });
    const site = await startHostSite(server.url, { 'data-organization': org.domain, 'data-locale': 'de' });
    try {
      const visitor = await launchActor('visitor');
      const fetched = languageChunks(visitor.page);
      await visitor.page.goto(site.url);
      const button = launcher(visitor.page);
      await button.waitFor();
      expect(await button.getAttribute('aria-label')).toBe('Chat mit Kaffeehaus öffnen');
      await button.click();
      const frame = await widgetFrame(visitor.page);
      await frame.locator('[data-welcome]', { hasText: 'Willkommen im Kaffeehaus! Wie können wir helfen?' }).waitFor();
      expect(await documentLanguage(frame)).toEqual({ lang: 'de', dir: 'ltr' });
      expect(await placeholder(frame)).toBe('Nachricht schreiben…');
      expect(await frame.locator('[data-answerer]').textContent()).toContain('Wir sind offline');
      expect(await frame.locator('[data-offline-message]').textContent()).toBe('Wir sind gerade nicht da. Schreiben Sie uns, wir melden uns.');
      expect(await frame.getByRole('button', { name: 'Chat schließen' }).count()).toBe(1);
      await send(frame, 'Haben Sie heute geöffnet?');
      await waitForMark(frame, 'Haben Sie heute geöffnet?', 'sent', 'the visitor');
      expect(await frame.locator('.bubble.mine .marks').getAttribute('aria-label')).toBe('Gesendet');
      expect(fetched).toEqual(['de']);
      await expectAccessible(frame, 'the widget in German');
      await shoot(visitor.page, 'widget-de');

      // The site switches to French: the open window follows without reloading.
      await visitor.page.evaluate(() => (window as any).Raasel.setLocale('fr'));
      await waitUntil(async () => (await placeholder(frame)) === 'Écrivez un message…', { message: 'the window speaks French' });
      expect(await documentLanguage(frame)).toEqual({ lang: 'fr', dir: 'ltr' });
      expect(await button.getAttribute('aria-label')).toBe('Fermer le chat avec Kaffeehaus');
      // French texts of its own it has none: its default ones.
      expect(await frame.locator('[data-welcome]').textContent()).toContain('Hi! How can we help you today?');
      expect(await frame.locator('.bubble.mine').count()).toBe(1);
      expect(fetched).toEqual(['de', 'fr']);
    } finally {
      await site.close();
    }
  }),
);

test(
  "Arabic from the browser's language, right to left on a right-to-left site",
  scenario(async () => {
    const org = await createOrganization(server.api, 'Souq');
    await server.api('PUT', `/api/organizations/${org.organization.id}`, {
      token: org.token,
      body: { settings: { texts: { ar: { welcome_message: 'أهلًا بك في السوق! كيف يمكننا مساعدتك؟' } } } },
    });
    const site = await startPages('localhost', () => ({
      '/': `<!doctype html>
<html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>السوق</title><link rel="icon" href="data:,"></head>
<body><main><h1>السوق</h1><p>كل ما تحتاجه، يصلك إلى بابك.</p></main>
<script src="${server.url}/widget.js" data-organization="${org.domain}" async></script></body></html>`,
    }));
    try {
      const visitor = await launchActor('visitor', DESKTOP, { locale: 'ar-EG' });
      const fetched = languageChunks(visitor.page);
      await visitor.page.goto(`${site.url}/`);
      const button = launcher(visitor.page);
      await button.waitFor();
      expect(await button.getAttribute('aria-label')).toBe('فتح المحادثة مع Souq');
      const launcherBox = (await button.boundingBox())!;
      expect(launcherBox.x, 'the launcher sits bottom left').toBeLessThan(DESKTOP.width / 2);
      await button.click();
      const frame = await widgetFrame(visitor.page);
      await frame.locator('[data-welcome]', { hasText: 'أهلًا بك في السوق! كيف يمكننا مساعدتك؟' }).waitFor();
      expect(await documentLanguage(frame)).toEqual({ lang: 'ar', dir: 'rtl' });
      // Its offline text it wrote in English only: shown as written, left to right within the line.
      expect(await frame.locator('[data-offline-message]').getAttribute('dir')).toBe('auto');
      expect(await placeholder(frame)).toBe('اكتب رسالة…');
      expect(await frame.locator('[data-answerer]').textContent()).toContain('نحن غير متصلين');
      const frameBox = (await visitor.page.locator('iframe[data-raasel-frame]').boundingBox())!;
      expect(frameBox.x, 'the window opens on the left').toBeLessThan(DESKTOP.width / 2);

      await send(frame, 'هل يمكنني تغيير عنوان التوصيل؟');
      await waitForMark(frame, 'هل يمكنني تغيير عنوان التوصيل؟', 'sent', 'the visitor');
      // Mirrored: the visitor's own messages on the left, the organization's on the right.
      const mine = (await frame.locator('.bubble.mine').boundingBox())!;
      const theirs = (await frame.locator('[data-welcome]').boundingBox())!;
      expect(mine.x).toBeLessThan(theirs.x);
      expect(await frame.locator('.bubble.mine .marks').getAttribute('aria-label')).toBe('أُرسلت');
      expect(fetched).toEqual(['ar']);
      await expectAccessible(frame, 'the widget in Arabic');
      await shoot(visitor.page, 'widget-ar');
    } finally {
      await site.close();
    }
  }),
);

test(
  "the organization's default language when neither the site nor the browser has one the widget speaks; English costs nothing extra",
  scenario(async () => {
    const org = await createOrganization(server.api, 'Casa Verde');
    await server.api('PUT', `/api/organizations/${org.organization.id}`, { token: org.token, body: { settings: { default_locale: 'es' } } });
    const site = await startHostSite(server.url, { 'data-organization': org.domain });
    try {
      const visitor = await launchActor('visitor', DESKTOP, { locale: 'ja-JP' });
      await visitor.page.goto(site.url);
      await launcher(visitor.page).click();
      const frame = await widgetFrame(visitor.page);
      await waitUntil(async () => (await placeholder(frame)) === 'Escribe un mensaje…', { message: 'the window speaks Spanish' });
      expect(await documentLanguage(frame)).toEqual({ lang: 'es', dir: 'ltr' });
      expect(await launcher(visitor.page).getAttribute('aria-label')).toBe('Cerrar el chat con Casa Verde');

      // A browser in English wins over the organization's default, and fetches no language.
      const english = await launchActor('visitor reading English');
      const fetched = languageChunks(english.page);
      await english.page.goto(site.url);
      await launcher(english.page).click();
      const other = await widgetFrame(english.page);
      await other.locator('[data-welcome]').waitFor();
      expect(await placeholder(other)).toBe('Write a message…');
      expect(await documentLanguage(other)).toEqual({ lang: 'en', dir: 'ltr' });
      expect(fetched).toEqual([]);
    } finally {
      await site.close();
    }
  }),
);

test(
  "the customer app in the browser's language",
  scenario(async () => {
    const customer = await launchActor('customer', DESKTOP, { locale: 'de-DE' });
    const fetched = languageChunks(customer.page);
    await customer.page.goto(`${server.url}/`);
    await customer.page.getByRole('tab', { name: 'Registrieren' }).waitFor();
    expect(await customer.page.evaluate(() => document.documentElement.lang)).toBe('de');
    expect(await customer.page.getByRole('button', { name: 'Anmelden' }).count()).toBe(1);
    await customer.page.getByLabel('E-Mail').fill('alice@example.com');
    await customer.page.getByLabel('Passwort').fill('password123');
    await customer.page.getByRole('button', { name: 'Anmelden' }).click();
    await customer.page.getByRole('heading', { name: 'Ihre Unterhaltungen' }).waitFor();
    expect(fetched).toEqual(['de']);
    await expectAccessible(customer.page, 'the customer app in German');
  }),
);
