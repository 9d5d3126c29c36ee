// The settings of what customers meet, from the organization to the form and back: the sites
// that may show the widget, the pre-chat questions, the wait before e-mail, the texts.

import { describe, expect, test } from 'vitest';
import { profileFixture } from '../../test/fixtures';
import type { OrganizationDetail } from '../shared/types';
import { customerSideOf, customerSideSettings, isOrigin, keyFromLabel, originLines } from './customer-side';

function org(settings: Partial<NonNullable<OrganizationDetail['settings']>> = {}): OrganizationDetail {
  return {
    ...profileFixture(),
    created_at: '2026-01-01T00:00:00Z',
    updated_at: '2026-01-01T00:00:00Z',
    settings: {
      welcome_message: 'Hi!',
      offline_message: 'Later.',
      widget_color: '#2563eb',
      max_concurrent_sessions: 5,
      reopen_window_secs: 0,
      auto_resolve_after_secs: 0,
      answer_deadline_secs: 0,
      team_choice: false,
      supervisors_see_all: true,
      email_after_secs: 300,
      rating_style: 'numbers',
      prechat: null,
      allowed_origins: [],
      default_locale: 'en',
      texts: {},
      retention_days: 0,
      require_second_factor: false,
      attachments: { max_file_bytes: 10 * 1024 * 1024, types: ['image', 'pdf', 'text', 'office', 'archive'] },
      ...settings,
    },
  };
}

describe('what customers meet, in the settings form', () => {
  test('saved unchanged, it sends what it read', () => {
    const saved = org({
      rating_style: 'faces',
      email_after_secs: 3600,
      allowed_origins: ['https://shop.example.com', 'http://localhost:3000'],
      default_locale: 'de',
      prechat: { name: 'required', email: 'optional', phone: 'off', custom: [{ key: 'order', label: 'Order number', required: false }] },
      texts: { fr: { welcome_message: 'Bonjour !' } } as never,
      retention_days: 90,
    });
    const form = customerSideOf(saved);
    expect(form.email_after).toEqual({ amount: '1', unit: 'hours' });
    expect(form.origins).toBe('https://shop.example.com\nhttp://localhost:3000');
    expect(customerSideSettings(form)).toEqual({
      settings: {
        rating_style: 'faces',
        email_after_secs: 3600,
        prechat: { name: 'required', email: 'optional', phone: 'off', custom: [{ key: 'order', label: 'Order number', required: false }] },
        allowed_origins: ['https://shop.example.com', 'http://localhost:3000'],
        default_locale: 'de',
        texts: { fr: { welcome_message: 'Bonjour !' } },
        retention_days: 90,
      },
    });
    expect(customerSideSettings({ ...form, retention_days: '-1' })).toEqual({
      errors: { 'settings.retention_days': 'enter 0 (keep for ever) to 3650 days.' },
    });
  });

  test('a form asking nothing is sent as none; Off sends 0', () => {
    const form = customerSideOf(org());
    form.email_after = { amount: '', unit: 'off' };
    const out = customerSideSettings(form);
    expect('settings' in out && out.settings.prechat).toBeNull();
    expect('settings' in out && out.settings.email_after_secs).toBe(0);
  });

  test('sites must be origins; blank lines and a trailing slash are forgiven', () => {
    expect(originLines(' https://a.example/ \n\nhttp://b.example:8080\n')).toEqual(['https://a.example', 'http://b.example:8080']);
    expect(isOrigin('https://a.example')).toBe(true);
    expect(isOrigin('https://a.example/shop')).toBe(false);
    expect(isOrigin('a.example')).toBe(false);
    expect(isOrigin('ftp://a.example')).toBe(false);
    const form = { ...customerSideOf(org()), origins: 'https://ok.example\nshop.example.com' };
    expect(customerSideSettings(form)).toEqual({
      errors: { 'settings.allowed_origins': '"shop.example.com" is not a site\'s origin such as https://shop.example.com.' },
    });
  });

  test('questions need words and a key of their own', () => {
    const form = customerSideOf(org());
    form.prechat.custom = [
      { key: 'size', label: 'Shoe size', required: true },
      { key: 'size', label: '', required: false },
      { key: 'Bad Key', label: 'Colour', required: false },
    ];
    const out = customerSideSettings(form);
    expect('errors' in out && Object.keys(out.errors).sort()).toEqual([
      'settings.prechat.custom.1.key',
      'settings.prechat.custom.1.label',
      'settings.prechat.custom.2.key',
    ]);
    expect(keyFromLabel('Order number (if any)')).toBe('order_number_if_any');
  });

  test('texts per language: blank ones are left out', () => {
    const form = customerSideOf(org());
    form.texts.de = { welcome_message: ' Hallo! ', offline_message: '  ' };
    const out = customerSideSettings(form);
    expect('settings' in out && out.settings.texts).toEqual({ de: { welcome_message: 'Hallo!' } });
  });

  test('the wait before e-mail is a number of at most 30 days', () => {
    const form = customerSideOf(org());
    form.email_after = { amount: 'soon', unit: 'minutes' };
    expect(customerSideSettings(form)).toEqual({ errors: { 'settings.email_after_secs': 'enter a number, or choose Off.' } });
    form.email_after = { amount: '31', unit: 'days' };
    expect(customerSideSettings(form)).toEqual({ errors: { 'settings.email_after_secs': 'must be at most 30 days.' } });
  });
});
