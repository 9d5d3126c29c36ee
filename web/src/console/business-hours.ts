// Business hours as the settings form edits them (per weekday its opening periods, none when
// closed; days off; the time zone) and as the API takes them ({time_zone, weekly: [{day, open,
// close}], days_off} or null for always open). Pure.

import type { components } from '../shared/types';

export type BusinessHours = components['schemas']['BusinessHours'];

export const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Day = (typeof DAYS)[number];

export const DAY_NAMES: Record<Day, string> = {
  mon: 'Monday',
  tue: 'Tuesday',
  wed: 'Wednesday',
  thu: 'Thursday',
  fri: 'Friday',
  sat: 'Saturday',
  sun: 'Sunday',
};

/** One opening period: "HH:MM" as time inputs give them; a close at 00:00 is midnight at the day's end. */
export interface Span {
  open: string;
  close: string;
}

export interface HoursForm {
  /** false: always open (the API's null). */
  enabled: boolean;
  timeZone: string;
  days: Record<Day, Span[]>;
  /** Local dates, YYYY-MM-DD. */
  daysOff: string[];
}

/** The API's most opening periods in a week. */
export const MAX_SPANS = 28;
/** Periods offered per day (the API takes 28 in the week). */
export const MAX_SPANS_PER_DAY = 4;

export const USUAL_SPAN: Span = { open: '09:00', close: '17:00' };

const noDays = (): Record<Day, Span[]> => ({ mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] });

/** What the form starts from when hours are first turned on: weekdays 9:00 to 17:00. */
export function usualHours(): Record<Day, Span[]> {
  const days = noDays();
  for (const d of DAYS.slice(0, 5)) days[d] = [{ ...USUAL_SPAN }];
  return days;
}

const isDay = (d: string): d is Day => (DAYS as readonly string[]).includes(d);

/**
 * The form of the organization's hours. Without hours it is off, ready with the usual week in
 * the browser's zone (what an admin most likely wants when turning them on).
 */
export function hoursFormOf(hours: BusinessHours | null | undefined, browserZone: string): HoursForm {
  if (!hours) return { enabled: false, timeZone: browserZone, days: usualHours(), daysOff: [] };
  const days = noDays();
  for (const p of hours.weekly) {
    if (isDay(p.day)) days[p.day].push({ open: p.open, close: p.close === '24:00' ? '00:00' : p.close });
  }
  for (const d of DAYS) days[d].sort((a, b) => a.open.localeCompare(b.open));
  return { enabled: true, timeZone: hours.time_zone, days, daysOff: [...(hours.days_off ?? [])].sort() };
}

/** The API's shape of the form (null: always open). A close at 00:00 is sent as 24:00, the day's end. */
export function businessHoursOf(form: HoursForm): BusinessHours | null {
  if (!form.enabled) return null;
  const weekly = DAYS.flatMap((day) =>
    [...form.days[day]]
      .sort((a, b) => a.open.localeCompare(b.open))
      .map((s) => ({ day, open: s.open, close: s.close === '00:00' ? '24:00' : s.close })),
  );
  return { time_zone: form.timeZone, weekly, days_off: [...new Set(form.daysOff)].sort() };
}

/**
 * The period a day gets when one is added: the usual one first, then one from the last close
 * to midnight (a day that already runs to midnight gets the usual one, to be edited).
 */
export function nextSpan(spans: readonly Span[]): Span {
  const last = spans[spans.length - 1];
  if (!last || last.close === '00:00' || !last.close) return { ...USUAL_SPAN };
  return { open: last.close, close: '00:00' };
}

/** How many opening periods the week has. */
export function spanCount(form: HoursForm): number {
  return DAYS.reduce((n, d) => n + form.days[d].length, 0);
}

/** The time zones to choose from: the browser's list, plus any in use that it lacks (say, an alias). */
export function zoneOptions(supported: readonly string[], ...inUse: string[]): string[] {
  const all = new Set(supported);
  all.add('UTC');
  for (const z of inUse) if (z) all.add(z);
  return [...all].sort((a, b) => a.localeCompare(b));
}

/** The browser's time zone list (empty in a browser without Intl.supportedValuesOf). */
export function browserZones(): string[] {
  return typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
}

export function browserZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** Where a problem the server found in the hours belongs in the form. */
export type HoursPart = { part: 'time_zone' } | { part: 'days_off' } | { part: 'day'; day: Day } | { part: 'hours' };

/**
 * Places the server's message about `settings.business_hours` ("time_zone: …", "days_off: …",
 * "weekly: mon closes before it opens", …) next to the part it names, worded for that place.
 */
export function placeHoursError(message: string): HoursPart & { text: string } {
  const m = /^(time_zone|days_off|weekly): (.*)$/s.exec(message);
  if (!m) return { part: 'hours', text: message };
  const [, part, rest] = m;
  if (part === 'time_zone' || part === 'days_off') return { part, text: capitalize(rest) };
  const day = /^(mon|tue|wed|thu|fri|sat|sun)\b\s*(.*)$/s.exec(rest);
  if (day && isDay(day[1])) return { part: 'day', day: day[1], text: `${DAY_NAMES[day[1]]} ${day[2]}` };
  return { part: 'hours', text: capitalize(rest) };
}

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
