// The sign-in page's single sign-on buttons: once an e-mail is typed, the organizations whose
// identity provider signs in its domain each get "Sign in with <label>" (naming the
// organization when there are several).

import { useEffect, useState } from 'preact/hooks';
import { Api } from '../shared/api';
import type { components } from '../shared/types';
import { ssoStartUrl } from './sso-sign-in';

type Choice = components['schemas']['SsoChoice'];

/** How long typing must pause before the e-mail's domain is looked up. */
const PAUSE_MS = 300;

/** The domain part of a plausible e-mail, else null. */
export function domainOf(email: string): string | null {
  const m = /^[^@\s]+@([^@\s]+\.[^@\s]+)$/.exec(email.trim());
  return m ? m[1].toLowerCase() : null;
}

export function SsoButtons({ email }: { email: string }) {
  const [choices, setChoices] = useState<Choice[]>([]);
  const domain = domainOf(email);

  useEffect(() => {
    if (!domain) {
      setChoices([]);
      return;
    }
    let current = true;
    const timer = setTimeout(() => {
      new Api('')
        .call('get', '/api/sso/providers', { query: { email: email.trim() } })
        .then((found) => current && setChoices(found.providers))
        .catch(() => current && setChoices([]));
    }, PAUSE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [domain]);

  if (choices.length === 0) return null;
  return (
    <div class="sso-buttons" aria-label="Single sign-on">
      <p class="muted small">or</p>
      {choices.map((c) => (
        <a key={c.organization_id} class="btn wide" href={ssoStartUrl(c.organization_id, email)}>
          Sign in with {c.label}
          {choices.length > 1 ? ` (${c.organization_name})` : ''}
        </a>
      ))}
    </div>
  );
}
