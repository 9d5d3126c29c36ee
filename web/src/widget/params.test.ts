// The chat window's parameters: what the loader passes (the site's language and its user's
// attributes) and what a link from an e-mail adds.

import { describe, expect, test } from 'vitest';
import { readParams } from './params';

describe('the chat window’s parameters', () => {
  test('the language and attributes the site gave', () => {
    const p = readParams(`?org=shop.test&locale=de&attrs=${encodeURIComponent('{"plan":"pro","seats":3}')}`);
    expect(p.locale).toBe('de');
    expect(p.attributes).toEqual({ plan: 'pro', seats: 3 });
  });

  test('attributes that are not an object are dropped', () => {
    expect(readParams('?org=a&attrs=[1,2]').attributes).toBeNull();
    expect(readParams('?org=a&attrs=oops').attributes).toBeNull();
    expect(readParams('?org=a').attributes).toBeNull();
  });

  test('a link from an e-mail: its token and the score chosen', () => {
    expect(readParams('?org=a&resume=tok&rate=5')).toMatchObject({ resume: 'tok', rate: 5 });
    expect(readParams('?org=a&resume=tok&rate=9')).toMatchObject({ resume: 'tok', rate: null });
    expect(readParams('?org=a')).toMatchObject({ resume: '', rate: null, locale: '' });
  });
});
