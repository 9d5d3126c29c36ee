// Log in or register a customer account.

import { useState } from 'preact/hooks';
import { Api, errorText } from '../shared/api';
import { t } from '../shared/i18n';
import type { Account } from './account';

type Mode = 'login' | 'register';

/** `notice`: why the customer is asked to log in (an e-mail link waiting to open), if any. */
export function AuthScreen({ onSignedIn, notice }: { onSignedIn: (account: Account) => void; notice?: string }) {
  const [mode, setMode] = useState<Mode>('login');
  const [username, setUsername] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  async function submit(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError('');
    const api = new Api('');
    try {
      const out =
        mode === 'login'
          ? await api.loginClient({ email, password })
          : await api.registerClient({ username, email, password });
      onSignedIn({ token: out.token, client: out.client });
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main class="auth">
      <div class="auth-card">
        <h1 class="brand-title">Raasel</h1>
        <p class="muted">{t('app.tagline')}</p>
        {notice && (
          <p class="banner banner-info" role="status" data-resume-notice="">
            {notice}
          </p>
        )}
        <div class="tabs" role="tablist" aria-label={t('app.account')}>
          {(['login', 'register'] as const).map((m) => (
            <button
              key={m}
              type="button"
              role="tab"
              aria-selected={mode === m}
              class={mode === m ? 'tab active' : 'tab'}
              onClick={() => {
                setMode(m);
                setError('');
              }}
            >
              {m === 'login' ? t('app.logIn') : t('app.register')}
            </button>
          ))}
        </div>
        <form onSubmit={submit} aria-label={mode === 'login' ? t('app.logIn') : t('app.register')}>
          {mode === 'register' && (
            <label class="field">
              <span>{t('app.username')}</span>
              <input
                name="username"
                value={username}
                onInput={(e) => setUsername(e.currentTarget.value)}
                autocomplete="username"
                required
                minLength={3}
                maxLength={30}
                pattern="[A-Za-z0-9_]+"
              />
              <small>{t('app.usernameHint')}</small>
            </label>
          )}
          <label class="field">
            <span>{t('app.email')}</span>
            <input
              type="email"
              name="email"
              value={email}
              onInput={(e) => setEmail(e.currentTarget.value)}
              autocomplete="email"
              required
            />
          </label>
          <label class="field">
            <span>{t('app.password')}</span>
            <input
              type="password"
              name="password"
              value={password}
              onInput={(e) => setPassword(e.currentTarget.value)}
              autocomplete={mode === 'login' ? 'current-password' : 'new-password'}
              required
              minLength={mode === 'register' ? 8 : undefined}
            />
            {mode === 'register' && <small>{t('app.passwordHint')}</small>}
          </label>
          {error && (
            <p class="error-text" role="alert">
              {error}
            </p>
          )}
          <button type="submit" class="btn btn-primary wide" disabled={busy}>
            {mode === 'login' ? t('app.logIn') : t('app.createAccount')}
          </button>
        </form>
      </div>
    </main>
  );
}
