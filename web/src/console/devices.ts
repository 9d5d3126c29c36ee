// What the devices list says and in which order: the device in hand first, then the others as
// the server gives them (most recently used first).

import type { components } from '../shared/types';

export type Device = components['schemas']['DeviceView'];

/** The caller's own device first; the rest keep the server's order. */
export function ordered(devices: Device[]): Device[] {
  return [...devices.filter((d) => d.current), ...devices.filter((d) => !d.current)];
}

/** "1 device", "3 devices". */
export function deviceCount(n: number): string {
  return `${n} ${n === 1 ? 'device' : 'devices'}`;
}

/** What an admin is told after signing `name` out everywhere. */
export function endedText(name: string, ended: number): string {
  if (ended === 0) return `${name} was not signed in on any device.`;
  return `Signed ${name} out of ${deviceCount(ended)}. They sign in again with their password.`;
}
