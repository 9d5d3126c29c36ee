// The sign-in's second step when the agent's second factor is on: the code of their
// authenticator app, or one of their recovery codes. The field has the focus when it appears.

import { useEffect, useRef, useState } from 'preact/hooks';

interface Props {
  email: string;
  error: string;
  busy: boolean;
  onCode: (code: string) => void;
  onBack: () => void;
}

export function CodeStep({ email, error, busy, onCode, onBack }: Props) {
  const [code, setCode] = useState('');
  // A recovery code has letters: the phone's keyboard follows what is being typed.
  const [recovery, setRecovery] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => input.current?.focus(), [recovery]);
  // After a refused code the field has the focus again, its text selected to type over.
  useEffect(() => {
    if (!error || busy) return;
    input.current?.focus();
    input.current?.select();
  }, [error, busy]);

  return (
    <form
      class="login-card"
      aria-labelledby="code-title"
      onSubmit={(e) => {
        e.preventDefault();
        onCode(code);
      }}
    >
      <h1 id="code-title">Sign-in code</h1>
      <p class="muted" id="code-help">
        Enter the 6-digit code from your authenticator app, or a recovery code.
      </p>
      <p class="small">
        Signing in as <strong>{email}</strong>
      </p>
      <label class="field">
        <span>{recovery ? 'Recovery code' : 'Code'}</span>
        <input
          ref={input}
          name="code"
          value={code}
          onInput={(e) => setCode(e.currentTarget.value)}
          autocomplete="one-time-code"
          inputMode={recovery ? 'text' : 'numeric'}
          autocapitalize="off"
          spellcheck={false}
          placeholder={recovery ? 'xxxx-xxxx' : '123456'}
          maxLength={20}
          required
          aria-describedby={error ? 'code-help code-error' : 'code-help'}
          aria-invalid={error ? 'true' : undefined}
        />
      </label>
      <p class="small">
        <button type="button" class="link" onClick={() => setRecovery(!recovery)}>
          {recovery ? "Use the app's code" : 'Use a recovery code'}
        </button>
      </p>
      {error && (
        <p id="code-error" class="error-text" role="alert">
          {error}
        </p>
      )}
      <button type="submit" class="btn btn-primary wide" disabled={busy}>
        Verify
      </button>
      <p class="login-back">
        <button type="button" class="link" onClick={onBack}>
          Back
        </button>
      </p>
    </form>
  );
}
