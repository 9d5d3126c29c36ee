// While nobody can answer, a customer whose address the organization does not have is asked for
// one after their first message, so the reply can reach them by e-mail. Shown only where the
// server says replies do go out by e-mail (the profile's `email_follow_up`).

import { useState } from 'preact/hooks';
import { errorText } from '../api';
import { t } from '../i18n';
import type { Inbox } from '../inbox';
import { isEmail } from '../prechat';

export function EmailAsk({ inbox, sessionId, onDone }: { inbox: Inbox; sessionId: string; onDone: () => void }) {
  const [email, setEmail] = useState('');
  const [saved, setSaved] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  async function save(e: Event) {
    e.preventDefault();
    if (!isEmail(email)) {
      setError(t('email.invalid'));
      return;
    }
    setBusy(true);
    setError('');
    try {
      setSaved(await inbox.leaveEmail(sessionId, email.trim()));
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  }

  if (saved) {
    return (
      <p class="banner banner-info" role="status" data-email-saved="">
        {t('email.saved', { email: saved })}
      </p>
    );
  }
  return (
    <form class="email-ask card" onSubmit={save} data-email-ask="" noValidate>
      <label for="email-ask">{t('email.ask')}</label>
      <div class="row">
        <input
          id="email-ask"
          type="email"
          autocomplete="email"
          placeholder={t('email.label')}
          value={email}
          aria-invalid={error ? 'true' : undefined}
          aria-describedby={error ? 'email-ask-error' : undefined}
          onInput={(e) => setEmail(e.currentTarget.value)}
        />
        <button type="submit" class="btn btn-primary" disabled={busy}>
          {t('email.save')}
        </button>
      </div>
      {error && (
        <small id="email-ask-error" class="error-text" role="alert">
          {error}
        </small>
      )}
      <button type="button" class="link" onClick={onDone}>
        {t('email.dismiss')}
      </button>
    </form>
  );
}
