// An agent's own sign-in security: whether their second factor is on and how many recovery codes
// are left; turning it on (their password, then the set-up, then the recovery codes; the set-up
// signs in again, and the console continues with that token) or off, unless the organization
// requires it. Below, the devices they are signed in on, to sign out one or all of them.

import { useEffect, useRef, useState } from 'preact/hooks';
import { Api, errorText } from '../shared/api';
import type { components } from '../shared/types';
import type { AgentAccount } from './account';
import { Devices } from './Devices';
import { RecoveryCodes } from './RecoveryCodes';
import { SecondFactorSetup } from './SecondFactorSetup';
import type { SecondFactorSetup as Setup } from './sign-in-steps';
import { useTools } from './tools';

type Status = components['schemas']['SecondFactorStatus'];

type Mode =
  | { kind: 'view' }
  | { kind: 'password' }
  | { kind: 'setup'; setup: Setup; password: string }
  | { kind: 'codes'; account: AgentAccount; codes: string[] }
  | { kind: 'turning-off' };

interface Props {
  onRenewed: (account: AgentAccount) => void;
  /** This console's sign-in ended (signed out everywhere). */
  onSignOut: () => void;
}

export function SignInSecurity({ onRenewed, onSignOut }: Props) {
  const { api, workspace } = useTools();
  const me = workspace.me;
  const [status, setStatus] = useState<Status | null>(null);
  const [mode, setMode] = useState<Mode>({ kind: 'view' });
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  // The new sign-in of a set-up, taken up when the recovery codes are put away (or the dialog closes).
  const renewed = useRef<AgentAccount | null>(null);
  const statusLine = useRef<HTMLParagraphElement>(null);

  async function load() {
    try {
      setStatus(await api.call('get', '/api/agents/{id}/second-factor', { path: { id: me.id } }));
    } catch (e) {
      setMessage({ ok: false, text: errorText(e) });
    }
  }

  useEffect(() => {
    void load();
    return () => {
      if (renewed.current) onRenewed(renewed.current);
    };
  }, []);

  function show(next: Mode) {
    setMode(next);
    if (next.kind === 'view') requestAnimationFrame(() => statusLine.current?.focus());
  }

  async function turnOff() {
    setMessage(null);
    try {
      await api.call('delete', '/api/agents/{id}/second-factor', { path: { id: me.id } });
      setMessage({ ok: true, text: 'Your second factor is off: signing in asks for your password only.' });
      await load();
    } catch (e) {
      setMessage({ ok: false, text: errorText(e) });
    }
    show({ kind: 'view' });
  }

  return (
    <section class="sign-in-security" aria-labelledby="security-title">
      <h3 id="security-title">Sign-in security</h3>
      {status === null ? (
        <p class="muted" aria-busy={message ? undefined : 'true'}>
          {message ? '' : 'Loading…'}
        </p>
      ) : (
        <p ref={statusLine} tabIndex={-1} data-second-factor={status.enabled ? 'on' : 'off'}>
          Second factor: <strong>{status.enabled ? 'on' : 'off'}</strong>.{' '}
          {status.enabled
            ? `Signing in asks for a code from your authenticator app. ${codesLeft(status.recovery_codes_left)}`
            : 'Signing in asks for your password only.'}
        </p>
      )}
      {message && (
        <p class={message.ok ? 'ok-text' : 'error-text'} role={message.ok ? 'status' : 'alert'}>
          {message.text}
        </p>
      )}
      {status && mode.kind === 'view' && (
        <ViewActions
          status={status}
          onTurnOn={() => {
            setMessage(null);
            show({ kind: 'password' });
          }}
          onTurnOff={() => {
            setMessage(null);
            show({ kind: 'turning-off' });
          }}
        />
      )}
      {mode.kind === 'turning-off' && <TurnOffQuestion onTurnOff={() => void turnOff()} onKeep={() => show({ kind: 'view' })} />}
      {mode.kind === 'password' && (
        <PasswordStep
          email={me.email}
          organizationId={me.organization_id}
          onSetup={(setup, password) => setMode({ kind: 'setup', setup, password })}
          onCancel={() => show({ kind: 'view' })}
        />
      )}
      {mode.kind === 'setup' && (
        <>
          <SecondFactorSetup
            setup={mode.setup}
            credentials={{ email: me.email, password: mode.password, organization_id: me.organization_id }}
            onEnabled={(account, codes) => {
              renewed.current = account;
              setMode({ kind: 'codes', account, codes });
              void load();
            }}
          />
          <button type="button" class="btn" onClick={() => show({ kind: 'view' })}>
            Cancel
          </button>
        </>
      )}
      {mode.kind === 'codes' && (
        <RecoveryCodes
          codes={mode.codes}
          onContinue={() => {
            renewed.current = null;
            onRenewed(mode.account);
          }}
        />
      )}
      {/* A set-up signs in again, a new device that this console takes up only when the codes are
          put away: until then the list would offer to sign out the sign-in about to be used. */}
      {mode.kind !== 'setup' && mode.kind !== 'codes' && (
        <>
          <h4 id="devices-title" class="devices-title">
            Devices
          </h4>
          <p class="muted small">Where you are signed in: each sign-in is a device. Sign out those you no longer use or do not know.</p>
          <Devices api={api} agentId={me.id} owner={{ self: true, onSignedOutEverywhere: onSignOut }} />
        </>
      )}
    </section>
  );
}

function codesLeft(n: number): string {
  if (n === 0) return 'No recovery codes are left.';
  return `${n} recovery ${n === 1 ? 'code is' : 'codes are'} left.`;
}

function ViewActions({ status, onTurnOn, onTurnOff }: { status: Status; onTurnOn: () => void; onTurnOff: () => void }) {
  if (!status.enabled) {
    return (
      <>
        {status.required && <p class="muted">Your organization requires a second factor: set it up now.</p>}
        <button type="button" class="btn btn-primary" onClick={onTurnOn}>
          Turn on
        </button>
      </>
    );
  }
  if (status.required) {
    return (
      <p class="muted">
        Your organization requires a second factor, so it stays on. If you lose your phone, sign in with a recovery code
        or ask an admin to reset it.
      </p>
    );
  }
  return (
    <button type="button" class="btn" onClick={onTurnOff}>
      Turn off
    </button>
  );
}

function TurnOffQuestion({ onTurnOff, onKeep }: { onTurnOff: () => void; onKeep: () => void }) {
  const keep = useRef<HTMLButtonElement>(null);
  // The safe choice has the focus, so Enter does not turn it off by accident.
  useEffect(() => keep.current?.focus(), []);
  return (
    <div class="turn-off" role="group" aria-labelledby="turn-off-question">
      <p id="turn-off-question">
        Turn off your second factor? Signing in will ask for your password only, and your recovery codes stop working.
      </p>
      <div class="row-actions">
        <button type="button" class="btn btn-danger" onClick={onTurnOff}>
          Turn off
        </button>
        <button ref={keep} type="button" class="btn" onClick={onKeep}>
          Keep it on
        </button>
      </div>
    </div>
  );
}

interface PasswordProps {
  email: string;
  organizationId: string;
  onSetup: (setup: Setup, password: string) => void;
  onCancel: () => void;
}

/** The password again before a set-up: whoever finds the console open cannot add their own phone. */
function PasswordStep({ email, organizationId, onSetup, onCancel }: PasswordProps) {
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => input.current?.focus(), []);

  async function start(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      const body = { email, password, organization_id: organizationId };
      onSetup(await new Api('').call('post', '/api/agents/second-factor', { body }), password);
    } catch (err) {
      setError(errorText(err));
      input.current?.focus();
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={start} aria-label="Turn on a second factor" aria-describedby="confirm-password-help">
      <p id="confirm-password-help">
        Confirm it is you with your password. Then you scan a QR code with an authenticator app on your phone.
      </p>
      {/* The browser's password manager fills the account it belongs to. */}
      <input type="email" name="email" value={email} autocomplete="username" readOnly hidden />
      <label class="field">
        <span>Password</span>
        <input
          ref={input}
          type="password"
          name="password"
          value={password}
          onInput={(e) => setPassword(e.currentTarget.value)}
          autocomplete="current-password"
          required
        />
      </label>
      {error && (
        <p class="error-text" role="alert">
          {error}
        </p>
      )}
      <div class="row-actions">
        <button type="submit" class="btn btn-primary" disabled={busy}>
          Continue
        </button>
        <button type="button" class="btn" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
