// The organization's pre-chat form (its profile's `prechat`): which questions it asks, whether
// the answers given will do, and the answers as `POST /api/sessions` takes them. Pure.

import type { Key } from './i18n';
import type { PrechatAnswers, PrechatForm } from './types';

/** What the customer typed, by question: `name`, `email`, `phone` and `fields.<key>`. */
export type PrechatValues = Record<string, string>;
/** What is wrong with an answer, by question, as a text key. */
export type PrechatErrors = Record<string, Key>;

export interface Question {
  /** `name`, `email`, `phone` or `fields.<key>`. */
  id: string;
  /** A text key (the built-in questions) or the organization's own label. */
  label: { key: Key } | { text: string };
  required: boolean;
  type: 'text' | 'email' | 'tel';
}

const BUILT_IN = [
  { id: 'name', key: 'prechat.name', type: 'text' },
  { id: 'email', key: 'prechat.email', type: 'email' },
  { id: 'phone', key: 'prechat.phone', type: 'tel' },
] as const;

/** The questions the form asks, in order (none when there is no form). */
export function questionsOf(form: PrechatForm | null | undefined): Question[] {
  if (!form) return [];
  const questions: Question[] = [];
  for (const q of BUILT_IN) {
    const ask = form[q.id] ?? 'off';
    if (ask !== 'off') questions.push({ id: q.id, label: { key: q.key }, required: ask === 'required', type: q.type });
  }
  for (const c of form.custom ?? []) {
    questions.push({ id: `fields.${c.key}`, label: { text: c.label }, required: c.required, type: 'text' });
  }
  return questions;
}

/** An e-mail address as people write them: something@domain.tld, no spaces. */
export function isEmail(value: string): boolean {
  return /^[^\s@]+@[^\s@]+\.[^\s@.]+$/.test(value.trim());
}

/** A phone number: digits (at least five) with spaces, dots, dashes, brackets and a leading +. */
export function isPhone(value: string): boolean {
  const v = value.trim();
  return /^\+?[\d\s().-]+$/.test(v) && (v.match(/\d/g)?.length ?? 0) >= 5;
}

/** What is wrong with the answers (nothing: an empty object). */
export function checkPrechat(questions: Question[], values: PrechatValues): PrechatErrors {
  const errors: PrechatErrors = {};
  for (const q of questions) {
    const v = (values[q.id] ?? '').trim();
    if (!v) {
      if (q.required) errors[q.id] = 'prechat.missing';
    } else if (q.type === 'email' && !isEmail(v)) errors[q.id] = 'prechat.badEmail';
    else if (q.type === 'tel' && !isPhone(v)) errors[q.id] = 'prechat.badPhone';
  }
  return errors;
}

/** The answers given, trimmed, as the opening of a conversation carries them. */
export function prechatAnswers(questions: Question[], values: PrechatValues): PrechatAnswers {
  const answers: PrechatAnswers = {};
  const fields: Record<string, string> = {};
  for (const q of questions) {
    const v = (values[q.id] ?? '').trim();
    if (!v) continue;
    if (q.id.startsWith('fields.')) fields[q.id.slice('fields.'.length)] = v;
    else answers[q.id as 'name' | 'email' | 'phone'] = v;
  }
  if (Object.keys(fields).length) answers.fields = fields;
  return answers;
}

/** The server's refusals of answers (`prechat.email`, `prechat.fields.size`) by question. */
export function refusedAnswers(fields: Record<string, string>): string[] {
  return Object.keys(fields)
    .filter((f) => f.startsWith('prechat.'))
    .map((f) => f.slice('prechat.'.length));
}
