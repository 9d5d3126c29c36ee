import { describe, expect, test } from 'vitest';
import { IDENTITY_SECRET_MIN, generateIdentitySecret } from './secret';

describe('generateIdentitySecret', () => {
  test('makes 32 random bytes as 64 hex digits, long enough for the server', () => {
    const secret = generateIdentitySecret();
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    expect(secret.length).toBeGreaterThanOrEqual(IDENTITY_SECRET_MIN);
    expect(secret.length).toBeLessThanOrEqual(256);
  });

  test('differs every time', () => {
    const secrets = new Set(Array.from({ length: 50 }, generateIdentitySecret));
    expect(secrets.size).toBe(50);
  });
});
