// Single sign-on from the console's sign-in page: where to send the browser for an
// organization's provider, and what the server said when it sent the browser back
// (`?sso=signed_in`, or `?sso_error=<code>`).

/** The address that starts a sign-in through the organization's provider. */
export function ssoStartUrl(organizationId: string, email: string): string {
  const q = new URLSearchParams({ organization_id: organizationId });
  if (email.trim()) q.set('login_hint', email.trim());
  return `/api/sso/start?${q}`;
}

const MESSAGES: Record<string, string> = {
  sso_invalid_state: 'That sign-in expired or was used already. Start again.',
  sso_refused: 'Your identity provider did not sign you in.',
  sso_invalid_token: 'Your identity provider’s answer did not pass the checks. Try again, or ask your admin.',
  sso_email_unverified: 'Your identity provider has not verified your e-mail address.',
  sso_domain_not_allowed: 'Your e-mail’s domain is not allowed to sign in here. Ask your admin.',
  sso_unknown_agent: 'There is no agent with your e-mail in this organization. Ask your admin to add you.',
  sso_not_configured: 'This organization does not use single sign-on (any more). Sign in with your password.',
  sso_unavailable: 'Your identity provider could not be reached. Try again in a moment.',
  sso_busy: 'Too many sign-ins are under way right now. Try again in a few minutes.',
};

/** What the sign-in page says about a refused single sign-on. */
export function ssoErrorText(code: string): string {
  return MESSAGES[code] ?? 'Single sign-on did not work. Try again.';
}

/** What the address the console opened with says about a single sign-on, if anything. */
export function ssoReturn(search: string): { signedIn: true } | { error: string } | null {
  const q = new URLSearchParams(search);
  if (q.get('sso') === 'signed_in') return { signedIn: true };
  const code = q.get('sso_error');
  return code ? { error: ssoErrorText(code) } : null;
}

/** The address without the single sign-on's parameters (kept out of history and bookmarks). */
export function withoutSsoParams(href: string): string {
  const url = new URL(href);
  url.searchParams.delete('sso');
  url.searchParams.delete('sso_error');
  return url.pathname + (url.searchParams.size ? `?${url.searchParams}` : '') + url.hash;
}
