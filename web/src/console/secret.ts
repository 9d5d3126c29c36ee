// The console's generator for an organization's widget identity secret. The server takes 32 to
// 256 characters without spaces; this makes 32 random bytes (crypto.getRandomValues, available
// outside secure contexts too) as 64 lowercase hex digits.

/** The fewest characters the server accepts for an identity secret. */
export const IDENTITY_SECRET_MIN = 32;

export function generateIdentitySecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
