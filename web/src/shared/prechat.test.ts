// The pre-chat form: the questions an organization asks, what will do as answers, and the
// answers as a conversation's opening carries them.

import { describe, expect, test } from 'vitest';
import { checkPrechat, isEmail, isPhone, prechatAnswers, questionsOf, refusedAnswers } from './prechat';
import { parseScore } from './rating';

const form = {
  name: 'required' as const,
  email: 'optional' as const,
  phone: 'off' as const,
  custom: [{ key: 'order_number', label: 'Order number', required: true }],
};

describe('the pre-chat form', () => {
  test('asks what is not off, built-in questions first', () => {
    expect(questionsOf(form).map((q) => [q.id, q.required])).toEqual([
      ['name', true],
      ['email', false],
      ['fields.order_number', true],
    ]);
    expect(questionsOf(null)).toEqual([]);
    expect(questionsOf({ name: 'off', email: 'off', phone: 'off', custom: [] })).toEqual([]);
  });

  test('a required answer must be given; a given one must look right', () => {
    const questions = questionsOf({ ...form, phone: 'optional' });
    expect(checkPrechat(questions, {})).toEqual({ name: 'prechat.missing', 'fields.order_number': 'prechat.missing' });
    expect(checkPrechat(questions, { name: '  ', 'fields.order_number': 'A-1' })).toEqual({ name: 'prechat.missing' });
    expect(checkPrechat(questions, { name: 'Ann', 'fields.order_number': 'A-1', email: 'ann@', phone: 'call me' })).toEqual({
      email: 'prechat.badEmail',
      phone: 'prechat.badPhone',
    });
    expect(checkPrechat(questions, { name: 'Ann', 'fields.order_number': 'A-1', email: 'ann@example.com', phone: '+49 (30) 123-45' })).toEqual({});
  });

  test('answers go trimmed, empty ones left out, custom ones under fields', () => {
    const questions = questionsOf(form);
    expect(prechatAnswers(questions, { name: ' Ann ', email: '', 'fields.order_number': ' A-1 ', phone: 'not asked' })).toEqual({
      name: 'Ann',
      fields: { order_number: 'A-1' },
    });
    expect(prechatAnswers(questions, { name: 'Ann' })).toEqual({ name: 'Ann' });
  });

  test("the server's refusals name their questions", () => {
    expect(refusedAnswers({ 'prechat.email': 'is required', 'prechat.fields.size': 'is required', message: 'x' })).toEqual(['email', 'fields.size']);
  });

  test('e-mail addresses and phone numbers', () => {
    expect(isEmail('a@b.co')).toBe(true);
    expect(isEmail('a b@c.de')).toBe(false);
    expect(isEmail('a@b')).toBe(false);
    expect(isPhone('+1 555 0100')).toBe(true);
    expect(isPhone('1234')).toBe(false);
    expect(isPhone('555-CALL')).toBe(false);
  });
});

describe('scores from links', () => {
  test('1 to 5 only', () => {
    expect(parseScore('4')).toBe(4);
    expect(parseScore('0')).toBeNull();
    expect(parseScore('6')).toBeNull();
    expect(parseScore('2.5')).toBeNull();
    expect(parseScore('')).toBeNull();
    expect(parseScore(null)).toBeNull();
  });
});
