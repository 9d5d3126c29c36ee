// Log in or register a customer account.

import { useState } from 'preact/hooks';
import { Api, errorText } from '../shared/api';
import type { Account } from './account';

type Mode = 'login' | 'register';

export function AuthScreen({ onSignedIn }: { onSignedIn: (account: Account) => void }) {
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
        <p class="muted">Chat with the teams behind the websites you use.</p>
        <div class="tabs" role="tablist" aria-label="Account">
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
              {m === 'login' ? 'Log in' : 'Register'}
            </button>
          ))}
        </div>
        <form onSubmit={submit} aria-label={mode === 'login' ? 'Log in' : 'Register'}>
          {mode === 'register' && (
            <label class="field">
              <span>Username</span>
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
              <small>3 to 30 letters, digits or _</small>
            </label>
          )}
          <label class="field">
            <span>E-mail</span>
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
            <span>Password</span>
            <input
              type="password"
              name="password"
              value={password}
              onInput={(e) => setPassword(e.currentTarget.value)}
              autocomplete={mode === 'login' ? 'current-password' : 'new-password'}
              required
              minLength={mode === 'register' ? 8 : undefined}
            />
            {mode === 'register' && <small>At least 8 characters</small>}
          </label>
          {error && (
            <p class="error-text" role="alert">
              {error}
            </p>
          )}
          <button type="submit" class="btn btn-primary wide" disabled={busy}>
            {mode === 'login' ? 'Log in' : 'Create account'}
          </button>
        </form>
      </div>
    </main>
  );
}
