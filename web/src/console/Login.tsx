// Agent login. The organization's domain is needed only when the e-mail belongs to agents of
// several organizations.

import { useState } from 'preact/hooks';
import { Api, errorText } from '../shared/api';
import type { AgentAccount } from './account';

export function Login({ onSignedIn }: { onSignedIn: (account: AgentAccount) => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [domain, setDomain] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  async function submit(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      const body = domain.trim() ? { email, password, domain: domain.trim() } : { email, password };
      const out = await new Api('').loginAgent(body);
      onSignedIn({ token: out.token, agent: out.agent });
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main class="login">
      <form class="login-card" onSubmit={submit} aria-labelledby="login-title">
        <h1 id="login-title">Raasel console</h1>
        <p class="muted">Log in to answer your customers.</p>
        <label class="field">
          <span>E-mail</span>
          <input type="email" name="email" value={email} onInput={(e) => setEmail(e.currentTarget.value)} autocomplete="username" required />
        </label>
        <label class="field">
          <span>Password</span>
          <input
            type="password"
            name="password"
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
            autocomplete="current-password"
            required
          />
        </label>
        <details class="more">
          <summary>Several organizations?</summary>
          <label class="field">
            <span>Organization domain</span>
            <input name="domain" value={domain} onInput={(e) => setDomain(e.currentTarget.value)} placeholder="example.com" />
            <small>Only needed when your e-mail is used in several organizations.</small>
          </label>
        </details>
        {error && (
          <p class="error-text" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="btn btn-primary wide" disabled={busy}>
          Log in
        </button>
      </form>
    </main>
  );
}
