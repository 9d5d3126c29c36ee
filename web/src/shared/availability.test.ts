import { describe, expect, test } from 'vitest';
import { aboutWait, dotClass, reopensLine, statusLine, waitingLine } from './availability';

const available = { availability: 'available' as const, reopens: null, usual_wait_secs: null };
const busy = { availability: 'busy' as const, reopens: null, usual_wait_secs: 250 };
const closed = {
  availability: 'offline' as const,
  reopens: { at: '2026-12-07T08:00:00Z', local: 'Monday 09:00' },
  usual_wait_secs: null,
};

describe('availability', () => {
  test('each state says one thing', () => {
    expect(statusLine(available)).toBe('We are online');
    expect(statusLine(busy)).toBe('All our agents are busy');
    expect(statusLine(closed)).toBe('We are offline · back on Monday at 09:00');
    expect(statusLine({ ...closed, reopens: null })).toBe('We are offline');
  });

  test('offline never promises "shortly"', () => {
    expect(waitingLine(closed, 1)).toBeNull();
    expect(waitingLine({ ...closed, reopens: null }, 2)).toBeNull();
    expect(reopensLine(closed)).toBe('We are back on Monday at 09:00.');
    expect(reopensLine(busy)).toBeNull();
  });

  test('busy tells the place in line and the usual wait when known', () => {
    expect(waitingLine(busy, 2)).toBe('All our agents are busy. You are number 2 in line; usual wait about 4 minutes.');
    expect(waitingLine({ ...busy, usual_wait_secs: null }, 1)).toBe('All our agents are busy. You are next in line.');
    expect(waitingLine(available, 1)).toBe('You are next in line. An agent will be with you shortly.');
    expect(waitingLine(available, undefined)).toBeNull();
  });

  test('waits read in whole minutes, at least one', () => {
    expect(aboutWait(20)).toBe('about 1 minute');
    expect(aboutWait(150)).toBe('about 3 minutes');
    expect(dotClass(busy)).toBe('dot dot-busy');
    expect(dotClass(available)).toBe('dot dot-online');
    expect(dotClass(closed)).toBe('dot');
  });
});
