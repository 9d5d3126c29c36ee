// Random ids for client_msg_id. crypto.randomUUID exists only in secure contexts, and a
// self-hosted server may be reached over plain http on a LAN, so fall back to getRandomValues.

export function randomId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
