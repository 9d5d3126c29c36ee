// Setting up an agent's second factor: the QR code for an authenticator app (and its secret to
// type in, for an app that cannot scan), then the app's code to turn it on. Turning it on also
// signs the agent in; the recovery codes of the answer go to the next screen. Used at sign-in
// when the organization requires it and from My account; loaded when first shown.

import { useEffect, useRef, useState } from 'preact/hooks';
import { Api, ApiError, errorText } from '../shared/api';
import type { LoginInput } from '../shared/types';
import type { AgentAccount } from './account';
import { copyText } from './copy-text';
import { FieldError, type FieldErrors, invalidProps } from './FieldError';
import { QrCode } from './QrCode';
import { cleanCode, groupSecret } from './second-factor';
import type { SecondFactorSetup as Setup } from './sign-in-steps';
import './second-factor.css';

interface Props {
  setup: Setup;
  /** What the agent signs in with (the password is checked again when turning it on). */
  credentials: Omit<LoginInput, 'code'>;
  onEnabled: (account: AgentAccount, recoveryCodes: string[]) => void;
}

export function SecondFactorSetup({ setup, credentials, onEnabled }: Props) {
  const [code, setCode] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const [copied, setCopied] = useState('');
  const input = useRef<HTMLInputElement>(null);
  const secretText = useRef<HTMLElement>(null);

  useEffect(() => input.current?.focus(), []);

  async function turnOn(e: Event) {
    e.preventDefault();
    setBusy(true);
    setErrors({});
    setError('');
    try {
      const out = await new Api('').call('put', '/api/agents/second-factor', { body: { ...credentials, code: cleanCode(code) } });
      onEnabled({ token: out.token, agent: out.agent }, out.recovery_codes);
    } catch (err) {
      if (err instanceof ApiError && err.fields.code) setErrors({ code: err.fields.code });
      else setError(errorText(err));
      setCode('');
      input.current?.focus();
    } finally {
      setBusy(false);
    }
  }

  return (
    <div class="second-factor-setup">
      <ol class="setup-steps">
        <li>
          <p id="setup-scan">
            In an authenticator app on your phone (such as Google Authenticator, Microsoft Authenticator, 1Password or
            Aegis), add an account and scan this QR code.
          </p>
          <QrCode qr={setup.qr} label="QR code to scan with your authenticator app" />
          <p class="small">Cannot scan it? Enter this key in the app instead (time-based):</p>
          <div class="secret-row">
            <code ref={secretText} class="secret-text" data-secret={setup.secret}>
              {groupSecret(setup.secret)}
            </code>
            <button type="button" class="btn btn-small" onClick={async () => setCopied(await copyText(setup.secret, secretText.current))}>
              Copy key
            </button>
          </div>
          <p class="muted small" role="status">
            {copied}
          </p>
        </li>
        <li>
          <form onSubmit={turnOn} aria-label="Confirm the second factor">
            <label class="field">
              <span>Code from the app</span>
              <input
                ref={input}
                name="code"
                value={code}
                onInput={(e) => setCode(e.currentTarget.value)}
                autocomplete="one-time-code"
                inputMode="numeric"
                pattern="[0-9 ]*"
                maxLength={7}
                required
                {...invalidProps(errors, 'code', 'setup-scan setup-code-help')}
              />
              <small id="setup-code-help">The 6 digits the app shows for this account, to check it is set up.</small>
              <FieldError errors={errors} field="code" />
            </label>
            {error && (
              <p class="error-text" role="alert">
                {error}
              </p>
            )}
            <button type="submit" class="btn btn-primary wide" disabled={busy}>
              Turn on
            </button>
          </form>
        </li>
      </ol>
    </div>
  );
}
