// When a snoozed conversation comes back: the times the snooze choices stand for ("1 hour",
// "Tomorrow 9:00" in the agent's own time zone, a date and time typed in), how that time is
// said in the lists, and the order of the Snoozed list. Pure; `now` is always given.

import type { Session } from '../shared/types';

const HOUR_MS = 3_600_000;

/** An hour from now. */
export function inOneHour(now: Date): Date {
  return new Date(now.getTime() + HOUR_MS);
}

/**
 * Tomorrow at this local time. Built from the local date's parts, so a change of daylight
 * saving time overnight still gives 9:00 on the clock rather than 24 hours later.
 */
export function tomorrowAt(now: Date, hours = 9, minutes = 0): Date {
  return new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1, hours, minutes);
}

const pad = (n: number) => String(n).padStart(2, '0');

/** The value of an `<input type="datetime-local">` for this instant, in local time. */
export function localInputValue(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** Reads a `datetime-local` value ("2026-01-07T09:30") as local time; null when it is not one. */
export function parseLocalInput(value: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value.trim());
  if (!m) return null;
  const [year, month, day, hours, minutes, seconds] = m.slice(1).map((p) => Number(p ?? 0));
  const d = new Date(year, month - 1, day, hours, minutes, seconds);
  // new Date rolls impossible dates over (31 February becomes March): those are not dates.
  if (d.getFullYear() !== year || d.getMonth() !== month - 1 || d.getDate() !== day) return null;
  return d;
}

/** A typed-in time to snooze until, or why it cannot be one. */
export function customSnooze(value: string, now: Date): { until: Date } | { error: string } {
  if (!value) return { error: 'Choose a date and a time.' };
  const until = parseLocalInput(value);
  if (!until) return { error: 'That is not a date and time.' };
  if (until.getTime() <= now.getTime()) return { error: 'Choose a time in the future.' };
  return { until };
}

export type DayWord = 'today' | 'tomorrow' | 'this week' | 'later';

/** How far off a local day is: today, tomorrow, within the next six days, or later. */
export function dayWord(at: Date, now: Date): DayWord {
  const midnight = (d: Date) => new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
  // Rounded: a day with a daylight saving change is 23 or 25 hours long.
  const days = Math.round((midnight(at) - midnight(now)) / (24 * HOUR_MS));
  if (days <= 0) return 'today';
  if (days === 1) return 'tomorrow';
  return days < 7 ? 'this week' : 'later';
}

/** "14:05", "tomorrow 09:00", "Tue 09:00" or "7 Jan 09:00": a time to come, in local time. */
export function comingWhen(iso: string, now = Date.now()): string {
  const at = new Date(iso);
  const time = at.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  switch (dayWord(at, new Date(now))) {
    case 'today':
      return time;
    case 'tomorrow':
      return `tomorrow ${time}`;
    case 'this week':
      return `${at.toLocaleDateString([], { weekday: 'short' })} ${time}`;
    case 'later':
      return `${at.toLocaleDateString([], { day: 'numeric', month: 'short' })} ${time}`;
  }
}

type Snooze = Pick<Session, 'snoozed' | 'snoozed_until'>;

/** When a snoozed conversation comes back, as a list says it (null: it is not snoozed). */
export function backWhen(s: Snooze, now = Date.now()): string | null {
  if (!s.snoozed) return null;
  return s.snoozed_until ? `Back ${comingWhen(s.snoozed_until, now)}` : 'Back when the customer writes';
}

/** The Snoozed list's order: soonest back first; those waiting for the customer last. */
export function compareWaking(a: Snooze & Pick<Session, 'id'>, b: Snooze & Pick<Session, 'id'>): number {
  const at = (s: Snooze) => (s.snoozed_until ? new Date(s.snoozed_until).getTime() : Infinity);
  return at(a) - at(b) || a.id.localeCompare(b.id);
}
