// The codes an authenticator app shows (RFC 6238 TOTP: HMAC-SHA1, 30-second steps, 6 digits),
// computed from the base32 secret the set-up shows, so tests sign in with a second factor.

import { createHmac } from 'node:crypto';

const STEP_SECS = 30;
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** The bytes of an RFC 4648 base32 text (spaces and padding ignored). */
export function base32Bytes(text: string): Buffer {
  const clean = text.replace(/[\s=]/g, '').toUpperCase();
  const bytes: number[] = [];
  let bits = 0;
  let value = 0;
  for (const ch of clean) {
    const index = BASE32.indexOf(ch);
    if (index < 0) throw new Error(`not base32: ${ch}`);
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(bytes);
}

/** The step of this moment (the HOTP counter). */
export function stepNow(): number {
  return Math.floor(Date.now() / 1000 / STEP_SECS);
}

/** The six-digit code of `secret` (base32) at `step`. */
export function totp(secret: string, step = stepNow()): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', base32Bytes(secret)).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const number = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(number % 1_000_000).padStart(6, '0');
}

/** A six-digit code the server takes at no step near now: a wrong code for sure. */
export function wrongCode(secret: string): string {
  const now = stepNow();
  const taken = new Set([-2, -1, 0, 1, 2].map((d) => totp(secret, now + d)));
  let n = 0;
  while (taken.has(String(n).padStart(6, '0'))) n++;
  return String(n).padStart(6, '0');
}
