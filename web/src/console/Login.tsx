// Agent login. The organization's domain is needed only when the e-mail belongs to agents of
// several organizations. Then the second factor: its code when it is on, or setting it up when
// the organization requires one (sign-in-steps.ts). The password stays in this screen's state
// only, for as long as those steps need it. Organizations with single sign-on get their button
// once the e-mail is typed; a refused single sign-on comes back here with its message.

import { useEffect, useRef, useState } from 'preact/hooks';
import { Api } from '../shared/api';
import type { AgentAccount } from './account';
import { CodeStep } from './CodeStep';
import { lazy } from './Lazy';
import { cleanCode } from './second-factor';
import { SsoButtons } from './SsoButtons';
import { FIRST_STEP, type SignInEvent, type SignInState, refusal, signInAfter } from './sign-in-steps';

const SecondFactorSetup = lazy(() => import('./SecondFactorSetup').then((m) => m.SecondFactorSetup));
const RecoveryCodes = lazy(() => import('./RecoveryCodes').then((m) => m.RecoveryCodes));

export function Login({ onSignedIn, notice }: { onSignedIn: (account: AgentAccount) => void; notice?: string }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [domain, setDomain] = useState('');
  const [state, setState] = useState<SignInState>(notice ? { step: 'password', error: notice } : FIRST_STEP);
  const [busy, setBusy] = useState(false);
  const passwordInput = useRef<HTMLInputElement>(null);
  const cameBack = useRef(false);
  const move = (event: SignInEvent) => setState((s) => signInAfter(s, event));
  const api = new Api('');

  useEffect(() => {
    if (state.step === 'password' && cameBack.current) passwordInput.current?.focus();
  }, [state.step]);

  function credentials() {
    return domain.trim() ? { email, password, domain: domain.trim() } : { email, password };
  }

  async function logIn(code?: string) {
    setBusy(true);
    try {
      const out = await api.loginAgent(code === undefined ? credentials() : { ...credentials(), code: cleanCode(code) });
      onSignedIn({ token: out.token, agent: out.agent });
    } catch (err) {
      const next = signInAfter(state, refusal(err));
      setState(next);
      if (next.step === 'starting-setup') await startSetup();
    } finally {
      setBusy(false);
    }
  }

  async function startSetup() {
    try {
      move({ type: 'setup', setup: await api.call('post', '/api/agents/second-factor', { body: credentials() }) });
    } catch (err) {
      move(refusal(err));
    }
  }

  function back() {
    setPassword('');
    cameBack.current = true;
    move({ type: 'back' });
  }

  if (state.step === 'code') {
    return (
      <main class="login">
        <CodeStep email={email} error={state.error} busy={busy} onCode={(code) => void logIn(code)} onBack={back} />
      </main>
    );
  }
  if (state.step === 'starting-setup' || state.step === 'setup') {
    return (
      <main class="login">
        <section class="login-card setup-card" aria-labelledby="setup-title">
          <h1 id="setup-title">Set up a second factor</h1>
          <p class="muted">
            Your organization requires a second factor to sign in: besides your password, a code from an authenticator
            app on your phone. Set it up now; it takes a minute.
          </p>
          {state.step === 'setup' ? (
            <SecondFactorSetup
              setup={state.setup}
              credentials={credentials()}
              onEnabled={(account, codes) => {
                setPassword('');
                move({ type: 'enabled', account, codes });
              }}
            />
          ) : (
            <p class="muted" aria-busy="true">
              Preparing…
            </p>
          )}
          <p class="login-back">
            <button type="button" class="link" onClick={back}>
              Back
            </button>
          </p>
        </section>
      </main>
    );
  }
  if (state.step === 'codes') {
    const { account, codes } = state;
    return (
      <main class="login">
        <section class="login-card setup-card" aria-labelledby="codes-title">
          <h1 id="codes-title">Your recovery codes</h1>
          <p class="muted">Your second factor is on: signing in asks for a code from the app from now on.</p>
          <RecoveryCodes codes={codes} onContinue={() => onSignedIn(account)} />
        </section>
      </main>
    );
  }

  return (
    <main class="login">
      <form
        class="login-card"
        aria-labelledby="login-title"
        onSubmit={(e) => {
          e.preventDefault();
          void logIn();
        }}
      >
        <h1 id="login-title">Raasel console</h1>
        <p class="muted">Log in to answer your customers.</p>
        <label class="field">
          <span>E-mail</span>
          <input type="email" name="email" value={email} onInput={(e) => setEmail(e.currentTarget.value)} autocomplete="username" required />
        </label>
        <label class="field">
          <span>Password</span>
          <input
            ref={passwordInput}
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
        {state.error && (
          <p class="error-text" role="alert">
            {state.error}
          </p>
        )}
        <button type="submit" class="btn btn-primary wide" disabled={busy}>
          Log in
        </button>
        <SsoButtons email={email} />
      </form>
    </main>
  );
}
