// What the console does with an agent's second factor before it reaches the server: the secret
// shown in groups of four for typing into an app, the code as typed made ready to send, and the
// recovery codes as one text to keep.

/** The base32 secret in groups of four ("JBSW Y3DP EHPK 3PXP"), easier to type without a slip. */
export function groupSecret(secret: string): string {
  const plain = secret.replace(/\s+/g, '').toUpperCase();
  return plain.match(/.{1,4}/g)?.join(' ') ?? '';
}

/**
 * A code as typed, to send: an app's six digits lose the spaces some apps show ("123 456");
 * a recovery code (`xxxx-xxxx`) loses surrounding spaces and its case.
 */
export function cleanCode(typed: string): string {
  const code = typed.replace(/\s+/g, '');
  return /^[0-9]+$/.test(code) ? code : code.toLowerCase();
}

/** The recovery codes as the text copied to the clipboard: one a line. */
export function recoveryCodesText(codes: string[]): string {
  return `${codes.join('\n')}\n`;
}
