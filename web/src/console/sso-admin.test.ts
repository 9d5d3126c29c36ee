import { describe, expect, it } from 'vitest';
import { domainsOf } from './SsoAdmin';

describe("the single sign-on page's allowed domains", () => {
  it('splits what the admin typed on commas, spaces and new lines', () => {
    expect(domainsOf('acme.test, example.org\nmail.acme.test  other.test')).toEqual([
      'acme.test',
      'example.org',
      'mail.acme.test',
      'other.test',
    ]);
  });

  it('drops empty entries, so an empty field means no domain', () => {
    expect(domainsOf(' , ,\n')).toEqual([]);
    expect(domainsOf('')).toEqual([]);
  });
});
