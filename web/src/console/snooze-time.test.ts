import { describe, expect, test } from 'vitest';
import { sessionFixture } from '../../test/fixtures';
import { backWhen, compareWaking, customSnooze, dayWord, inOneHour, localInputValue, parseLocalInput, tomorrowAt } from './snooze-time';

/** A local time (the test runs in whatever zone the machine has). */
const local = (y: number, mo: number, d: number, h = 0, mi = 0) => new Date(y, mo - 1, d, h, mi);

describe('the snooze choices', () => {
  test('1 hour is sixty minutes from now', () => {
    const now = local(2026, 1, 6, 14, 5);
    expect(inOneHour(now).getTime() - now.getTime()).toBe(3_600_000);
  });

  test('tomorrow 9:00 is the next local day at nine, also late at night and at the end of a month or year', () => {
    for (const [now, want] of [
      [local(2026, 1, 6, 14, 5), local(2026, 1, 7, 9)],
      [local(2026, 1, 6, 23, 59), local(2026, 1, 7, 9)],
      [local(2026, 1, 31, 8), local(2026, 2, 1, 9)],
      [local(2026, 12, 31, 18), local(2027, 1, 1, 9)],
    ]) {
      const at = tomorrowAt(now);
      expect(at.getTime()).toBe(want.getTime());
      expect([at.getHours(), at.getMinutes()]).toEqual([9, 0]);
    }
  });

  test('tomorrow 9:00 stays 9:00 on the clock across a change of daylight saving time', () => {
    // Paris and New York change their clocks on these nights; the day is 23 or 25 hours long.
    const zone = process.env.TZ;
    try {
      for (const [tz, nights] of [
        ['Europe/Paris', [local(2026, 3, 28, 20), local(2026, 10, 24, 20)]],
        ['America/New_York', [local(2026, 3, 7, 20), local(2026, 10, 31, 20)]],
      ] as const) {
        process.env.TZ = tz;
        for (const night of nights) {
          const now = new Date(night.getFullYear(), night.getMonth(), night.getDate(), 20);
          const at = tomorrowAt(now);
          expect(at.getTime(), tz).toBe(new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1, 9).getTime());
          expect([at.getHours(), at.getMinutes()], tz).toEqual([9, 0]);
          expect(Math.abs(at.getTime() - now.getTime() - 13 * 3_600_000), `${tz}: an hour more or less than usual`).toBe(3_600_000);
        }
      }
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
  });
});

describe('a date and time typed in', () => {
  test('reads and writes the datetime-local format in local time', () => {
    const at = local(2026, 3, 9, 7, 5);
    expect(localInputValue(at)).toBe('2026-03-09T07:05');
    expect(parseLocalInput('2026-03-09T07:05')?.getTime()).toBe(at.getTime());
  });

  test('is refused when empty, impossible or past', () => {
    const now = local(2026, 1, 6, 14, 5);
    expect(customSnooze('', now)).toEqual({ error: 'Choose a date and a time.' });
    expect(customSnooze('2026-02-31T09:00', now)).toEqual({ error: 'That is not a date and time.' });
    expect(customSnooze('tomorrow', now)).toEqual({ error: 'That is not a date and time.' });
    expect(customSnooze('2026-01-06T14:05', now)).toEqual({ error: 'Choose a time in the future.' });
    expect(customSnooze('2026-01-08T10:30', now)).toEqual({ until: local(2026, 1, 8, 10, 30) });
  });
});

describe('when it comes back', () => {
  test('names the day: today, tomorrow, this week or later', () => {
    const now = local(2026, 1, 6, 14, 5);
    expect(dayWord(local(2026, 1, 6, 23), now)).toBe('today');
    expect(dayWord(local(2026, 1, 7, 0, 30), now)).toBe('tomorrow');
    expect(dayWord(local(2026, 1, 12, 9), now)).toBe('this week');
    expect(dayWord(local(2026, 1, 13, 9), now)).toBe('later');
  });

  test('a list says when a snoozed conversation is back, or that the customer wakes it', () => {
    const now = local(2026, 1, 6, 14, 5).getTime();
    expect(backWhen(sessionFixture('a'), now)).toBeNull();
    expect(backWhen(sessionFixture('a', { snoozed: true }), now)).toBe('Back when the customer writes');
    const tomorrow = local(2026, 1, 7, 9).toISOString();
    expect(backWhen(sessionFixture('a', { snoozed: true, snoozed_until: tomorrow }), now)).toMatch(/^Back tomorrow 0?9.00/);
  });

  test('the Snoozed list shows the soonest back first and those waiting for the customer last', () => {
    const s = (id: string, until: string | null) => sessionFixture(id, { snoozed: true, snoozed_until: until });
    const list = [s('customer-b', null), s('later', '2026-01-09T09:00:00Z'), s('customer-a', null), s('soon', '2026-01-06T15:00:00Z')];
    expect(list.sort(compareWaking).map((x) => x.id)).toEqual(['soon', 'later', 'customer-a', 'customer-b']);
  });
});
