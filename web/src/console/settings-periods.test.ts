import { describe, expect, test } from 'vitest';
import { OFF, periodOf, secondsOf, withUnit } from './settings-periods';

describe('periods in people units', () => {
  test('seconds read in the largest unit that says them exactly; 0 is off', () => {
    expect(periodOf(0)).toEqual(OFF);
    expect(periodOf(null)).toEqual(OFF);
    expect(periodOf(86_400 * 3)).toEqual({ amount: '3', unit: 'days' });
    expect(periodOf(2_592_000)).toEqual({ amount: '30', unit: 'days' });
    expect(periodOf(7200)).toEqual({ amount: '2', unit: 'hours' });
    expect(periodOf(90_000)).toEqual({ amount: '25', unit: 'hours' });
    expect(periodOf(1800)).toEqual({ amount: '30', unit: 'minutes' });
    expect(periodOf(90)).toEqual({ amount: '1.5', unit: 'minutes' });
  });

  test('amounts turn into seconds; off is 0; what is not a number is null', () => {
    expect(secondsOf(OFF)).toBe(0);
    expect(secondsOf({ amount: '45', unit: 'minutes' })).toBe(2700);
    expect(secondsOf({ amount: '1.5', unit: 'hours' })).toBe(5400);
    expect(secondsOf({ amount: ' 2 ', unit: 'days' })).toBe(172_800);
    expect(secondsOf({ amount: '', unit: 'hours' })).toBeNull();
    expect(secondsOf({ amount: 'soon', unit: 'hours' })).toBeNull();
  });

  test('every period survives the round trip unchanged', () => {
    for (const secs of [0, 60, 90, 1800, 3600, 5400, 86_400, 90_000, 2_592_000]) {
      expect(secondsOf(periodOf(secs))).toBe(secs);
    }
  });

  test('choosing a unit keeps the amount, offers 1 after off, and off clears it', () => {
    expect(withUnit(OFF, 'hours')).toEqual({ amount: '1', unit: 'hours' });
    expect(withUnit({ amount: '3', unit: 'hours' }, 'days')).toEqual({ amount: '3', unit: 'days' });
    expect(withUnit({ amount: '3', unit: 'hours' }, 'off')).toEqual(OFF);
  });
});
