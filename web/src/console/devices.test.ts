import { describe, expect, test } from 'vitest';
import { type Device, deviceCount, endedText, ordered } from './devices';

function device(id: string, current = false): Device {
  const at = '2026-12-07T10:00:00Z';
  return { id, name: 'Firefox 133 on Linux', address: '192.0.2.1', started_at: at, last_used_at: at, current };
}

describe('ordered', () => {
  test('puts the device in hand first and keeps the server order of the others', () => {
    const list = [device('a'), device('b'), device('me', true), device('c')];
    expect(ordered(list).map((d) => d.id)).toEqual(['me', 'a', 'b', 'c']);
  });

  test('keeps a list without the device in hand (an admin looking at an agent) as it is', () => {
    expect(ordered([device('a'), device('b')]).map((d) => d.id)).toEqual(['a', 'b']);
    expect(ordered([])).toEqual([]);
  });
});

describe('texts', () => {
  test('count devices in words', () => {
    expect(deviceCount(1)).toBe('1 device');
    expect(deviceCount(2)).toBe('2 devices');
    expect(deviceCount(0)).toBe('0 devices');
  });

  test('say what signing an agent out everywhere did', () => {
    expect(endedText('Ben Baker', 2)).toBe('Signed Ben Baker out of 2 devices. They sign in again with their password.');
    expect(endedText('Ben Baker', 1)).toBe('Signed Ben Baker out of 1 device. They sign in again with their password.');
    expect(endedText('Ben Baker', 0)).toBe('Ben Baker was not signed in on any device.');
  });
});
