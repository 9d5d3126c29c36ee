// What an agent's access token says of itself: when it was issued and expires (Unix seconds)
// and the sign-in (device) it belongs to. Read from the JWT's payload, unverified: the server
// checks the signature; the console only plans its renewals with these.

export interface TokenClaims {
  iat: number;
  exp: number;
  /** The agent. */
  sub?: string;
  /** The sign-in (device); renewed tokens keep it. */
  sid?: string;
}

/** The claims of a JWT, or null when it is not one (or has no times). */
export function tokenClaims(token: string): TokenClaims | null {
  const payload = token.split('.')[1];
  if (!payload) return null;
  try {
    const base64 = payload.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(payload.length / 4) * 4, '=');
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const claims = JSON.parse(new TextDecoder().decode(bytes)) as Partial<TokenClaims>;
    if (typeof claims.iat !== 'number' || typeof claims.exp !== 'number') return null;
    return { iat: claims.iat, exp: claims.exp, sub: claims.sub, sid: claims.sid };
  } catch {
    return null;
  }
}

/** Which sign-in a token is of: the same for every renewal of it, another after signing in again. */
export function signInOf(agentId: string, token: string): string {
  const claims = tokenClaims(token);
  return `${agentId}:${claims?.sid ?? token}`;
}
