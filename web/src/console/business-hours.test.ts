import { describe, expect, test } from 'vitest';
import { type BusinessHours, businessHoursOf, hoursFormOf, nextSpan, placeHoursError, spanCount, zoneOptions } from './business-hours';

const PARIS: BusinessHours = {
  time_zone: 'Europe/Paris',
  weekly: [
    { day: 'mon', open: '14:00', close: '18:00' },
    { day: 'mon', open: '09:00', close: '12:00' },
    { day: 'sat', open: '10:00', close: '24:00' },
  ],
  days_off: ['2026-12-25', '2026-01-01'],
};

describe('business hours: form and API', () => {
  test('no hours is an unticked form, ready with weekdays 9 to 5 in the browser zone', () => {
    const form = hoursFormOf(null, 'America/Chicago');
    expect(form.enabled).toBe(false);
    expect(form.timeZone).toBe('America/Chicago');
    expect(form.days.mon).toEqual([{ open: '09:00', close: '17:00' }]);
    expect(form.days.fri).toEqual([{ open: '09:00', close: '17:00' }]);
    expect(form.days.sat).toEqual([]);
    expect(businessHoursOf(form)).toBeNull();
  });

  test('periods group by day in order; a close at 24:00 shows as 00:00; days off sorted', () => {
    const form = hoursFormOf(PARIS, 'America/Chicago');
    expect(form).toMatchObject({ enabled: true, timeZone: 'Europe/Paris', daysOff: ['2026-01-01', '2026-12-25'] });
    expect(form.days.mon).toEqual([
      { open: '09:00', close: '12:00' },
      { open: '14:00', close: '18:00' },
    ]);
    expect(form.days.sat).toEqual([{ open: '10:00', close: '00:00' }]);
    expect(form.days.tue).toEqual([]);
    expect(spanCount(form)).toBe(3);
  });

  test('the form goes back to the API shape: days in week order, midnight as 24:00, no repeated day off', () => {
    const form = hoursFormOf(PARIS, 'UTC');
    form.daysOff.push('2026-01-01');
    expect(businessHoursOf(form)).toEqual({
      time_zone: 'Europe/Paris',
      weekly: [
        { day: 'mon', open: '09:00', close: '12:00' },
        { day: 'mon', open: '14:00', close: '18:00' },
        { day: 'sat', open: '10:00', close: '24:00' },
      ],
      days_off: ['2026-01-01', '2026-12-25'],
    });
  });

  test('turning hours off sends null (always open)', () => {
    expect(businessHoursOf({ ...hoursFormOf(PARIS, 'UTC'), enabled: false })).toBeNull();
  });

  test('an added period is the usual one first, then the evening after the last close', () => {
    expect(nextSpan([])).toEqual({ open: '09:00', close: '17:00' });
    expect(nextSpan([{ open: '09:00', close: '12:00' }])).toEqual({ open: '12:00', close: '00:00' });
    expect(nextSpan([{ open: '18:00', close: '00:00' }])).toEqual({ open: '09:00', close: '17:00' });
  });

  test('the zone list has the browser zones, UTC and the zones in use', () => {
    expect(zoneOptions(['Europe/Paris', 'America/Chicago'], 'Asia/Calcutta', '')).toEqual([
      'America/Chicago',
      'Asia/Calcutta',
      'Europe/Paris',
      'UTC',
    ]);
  });
});

describe("the server's problems with the hours", () => {
  test('go next to the part they name', () => {
    expect(placeHoursError('weekly: mon closes before it opens')).toEqual({ part: 'day', day: 'mon', text: 'Monday closes before it opens' });
    expect(placeHoursError('time_zone: "Mars/Base" is not an IANA time zone')).toEqual({
      part: 'time_zone',
      text: '"Mars/Base" is not an IANA time zone',
    });
    expect(placeHoursError('days_off: at most 100 dates')).toEqual({ part: 'days_off', text: 'At most 100 dates' });
    expect(placeHoursError('weekly: at most 28 periods')).toEqual({ part: 'hours', text: 'At most 28 periods' });
    expect(placeHoursError('must be business hours: missing field `weekly`')).toEqual({
      part: 'hours',
      text: 'must be business hours: missing field `weekly`',
    });
  });
});
