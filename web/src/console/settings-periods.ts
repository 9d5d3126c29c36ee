// The organization's periods (reopen window, auto-resolve, answer deadline) as people set them:
// an amount in minutes, hours or days, or Off, while the API counts seconds (0 = off). Pure.

export type PeriodUnit = 'off' | 'minutes' | 'hours' | 'days';

/** One period as its form fields hold it. */
export interface PeriodField {
  amount: string;
  unit: PeriodUnit;
}

export const UNIT_SECS: Record<Exclude<PeriodUnit, 'off'>, number> = { minutes: 60, hours: 3600, days: 86_400 };

/** The API's bound for every period: 30 days. */
export const MAX_PERIOD_SECS = 2_592_000;

export const OFF: PeriodField = { amount: '', unit: 'off' };

/** A period in the largest unit that says it exactly (so saving it again changes nothing). */
export function periodOf(secs: number | null | undefined): PeriodField {
  if (!secs || secs <= 0) return OFF;
  if (secs % UNIT_SECS.days === 0) return { amount: String(secs / UNIT_SECS.days), unit: 'days' };
  if (secs % UNIT_SECS.hours === 0) return { amount: String(secs / UNIT_SECS.hours), unit: 'hours' };
  // Seconds that are no whole minute (set through the API) show as a fraction of a minute.
  return { amount: String(Number((secs / UNIT_SECS.minutes).toFixed(4))), unit: 'minutes' };
}

/** The seconds to send, or null when the amount is not a number. */
export function secondsOf(field: PeriodField): number | null {
  if (field.unit === 'off') return 0;
  const text = field.amount.trim();
  if (!text) return null;
  const n = Number(text);
  if (!Number.isFinite(n)) return null;
  return Math.round(n * UNIT_SECS[field.unit]);
}

/** Choosing a unit after Off offers a usual amount rather than an empty box. */
export function withUnit(field: PeriodField, unit: PeriodUnit): PeriodField {
  if (unit === 'off') return OFF;
  return { amount: field.unit === 'off' || !field.amount ? '1' : field.amount, unit };
}
