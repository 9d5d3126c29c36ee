import { afterEach, describe, expect, test } from 'vitest';
import { appEn } from './app-en';
import { appTexts } from './app-texts';
import { en } from './en';
import { LOCALES, addTexts, catalogueOf, chooseLocale, currentLocale, dirOf, localeOf, number, orgText, setLocale, t, weekdayName } from './index';
import { LOADER_TEXT } from './loader-text';
import { fill } from './locales';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

afterEach(async () => {
  await setLocale('en', null);
});

describe('choosing the language', () => {
  test('the site first, then the browser, then the organization, then English', () => {
    expect(chooseLocale(['de', 'fr-FR', 'es'])).toBe('de');
    expect(chooseLocale([null, 'fr-FR', 'es'])).toBe('fr');
    expect(chooseLocale(['', 'ja', 'zh-CN', 'es'])).toBe('es');
    expect(chooseLocale([undefined, 'ja', undefined])).toBe('en');
    expect(chooseLocale([])).toBe('en');
  });

  test('a site asking for a language it cannot have does not hide the browser’s', () => {
    expect(chooseLocale(['it', 'ar-EG', 'de'])).toBe('ar');
  });

  test('tags are read by their language, in any case and with a region', () => {
    expect(localeOf('de-AT')).toBe('de');
    expect(localeOf('AR_eg')).toBe('ar');
    expect(localeOf(' es ')).toBe('es');
    expect(localeOf('pt-BR')).toBeNull();
    expect(localeOf('')).toBeNull();
    expect(localeOf(null)).toBeNull();
  });

  test('Arabic alone is right to left', () => {
    expect(LOCALES.filter((l) => dirOf(l) === 'rtl')).toEqual(['ar']);
  });
});

describe('catalogues', () => {
  for (const locale of LOCALES) {
    test(`${locale} has a text for every key, with the same placeholders as English`, async () => {
      const catalogue = await catalogueOf(locale);
      expect(Object.keys(catalogue).sort()).toEqual(Object.keys(en).sort());
      for (const [key, text] of Object.entries(catalogue)) {
        expect(text.trim(), `${locale} ${key}`).not.toBe('');
        expect(placeholders(text), `${locale} ${key}`).toEqual(placeholders(en[key as keyof typeof en]));
      }
    });

    test(`the app's own texts in ${locale} are complete, with the same placeholders`, async () => {
      const app: Record<string, string> = locale === 'en' ? appEn : (await appTexts.chunks[locale]()).default;
      expect(Object.keys(app).sort()).toEqual(Object.keys(appEn).sort());
      for (const [key, text] of Object.entries(app)) {
        expect(text.trim(), `${locale} ${key}`).not.toBe('');
        expect(placeholders(text), `${locale} ${key}`).toEqual(placeholders(appEn[key as keyof typeof appEn]));
      }
    });

    test(`the loader's texts in ${locale} are complete`, () => {
      expect(Object.keys(LOADER_TEXT[locale]).sort()).toEqual(Object.keys(LOADER_TEXT.en).sort());
      for (const [key, text] of Object.entries(LOADER_TEXT[locale])) {
        expect(placeholders(text), `${locale} ${key}`).toEqual(placeholders(LOADER_TEXT.en[key as keyof typeof LOADER_TEXT.en]));
      }
    });
  }

  test('the other languages are translated, not copies of English', async () => {
    for (const locale of LOCALES.filter((l) => l !== 'en')) {
      const catalogue = await catalogueOf(locale);
      const same = Object.keys(en).filter((k) => catalogue[k as keyof typeof en] === en[k as keyof typeof en]);
      // A few words are the same in some languages (Messages, Name, {label} (optional)…).
      expect(same.length, `${locale}: ${same.join(', ')}`).toBeLessThan(8);
    }
  });
});

describe('t', () => {
  test('English until another language is set, then that one', async () => {
    expect(currentLocale()).toBe('en');
    expect(t('chat.agent', { name: 'John' })).toBe('You are chatting with John');
    expect(await setLocale('de', null)).toBe('de');
    expect(currentLocale()).toBe('de');
    expect(t('chat.agent', { name: 'John' })).toBe('Sie chatten mit John');
    await setLocale('ar', null);
    expect(t('composer.send')).toBe('إرسال');
  });

  test("the app's texts, once added, switch with the rest", async () => {
    addTexts(appTexts);
    expect(t('app.logIn')).toBe('Log in');
    await setLocale('es', null);
    expect(t('app.logIn')).toBe('Iniciar sesión');
    expect(t('composer.send')).toBe('Enviar');
  });

  test('placeholders are filled, unknown ones left alone', () => {
    expect(fill('{a} and {b}', { a: 1 })).toBe('1 and {b}');
    expect(fill('no params')).toBe('no params');
    expect(t('queue.number', { n: 3 })).toBe('You are number 3 in line');
  });

  test('numbers and weekdays the language’s way', async () => {
    expect(number(4012)).toBe('4,012');
    expect(number(4012, 'de')).toBe('4.012');
    expect(number(4012, 'ar')).toMatch(/^4.?012$/);
    expect(weekdayName('Monday')).toBe('Monday');
    expect(weekdayName('Monday', 'de')).toBe('Montag');
    expect(weekdayName('Friday', 'fr')).toBe('vendredi');
    expect(weekdayName('Someday', 'de')).toBe('Someday');
  });
});

describe("the organization's own texts", () => {
  const org = {
    welcome_message: 'Hi!',
    offline_message: 'We are away.',
    texts: { de: { welcome_message: 'Hallo!' }, fr: { welcome_message: '  ', offline_message: 'Absents.' } },
  };

  test('in the language when written, else the default', () => {
    expect(orgText(org, 'welcome_message', 'de')).toBe('Hallo!');
    expect(orgText(org, 'offline_message', 'de')).toBe('We are away.');
    expect(orgText(org, 'welcome_message', 'fr')).toBe('Hi!');
    expect(orgText(org, 'offline_message', 'fr')).toBe('Absents.');
    expect(orgText(org, 'welcome_message', 'es')).toBe('Hi!');
    expect(orgText({ welcome_message: 'Hi!', offline_message: '' }, 'welcome_message', 'de')).toBe('Hi!');
    expect(orgText({ welcome_message: 'Hi!', offline_message: '', texts: null }, 'welcome_message', 'de')).toBe('Hi!');
  });
});
