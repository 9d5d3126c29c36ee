// An agent's signed-in devices (every sign-in is one: a browser, or a script holding its token)
// and signing them out, one device or all of them at once. The agent sees their own in My
// account; an admin sees an agent's from the agents page. After every sign-out the list is read
// again from the server, so it shows what the server holds. The questions before signing out
// are asked in place, as for turning off the second factor: both places are dialogs already, and
// a modal question inside one would hand its Escape and Tab to the dialog around it.

import type { RefObject } from 'preact';
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { type Api, errorText } from '../shared/api';
import { shortWhen } from '../shared/format';
import { type Device, endedText, ordered } from './devices';
import './devices.css';

/**
 * Whose devices: the agent's own (signing out everywhere ends this console's sign-in too), or
 * an agent's, seen by an admin.
 */
export type Owner = { self: true; onSignedOutEverywhere: () => void } | { self: false; name: string };

interface Props {
  api: Api;
  agentId: string;
  owner: Owner;
}

type Question = { kind: 'one'; device: Device } | { kind: 'all' };

export function Devices({ api, agentId, owner }: Props) {
  const [devices, setDevices] = useState<Device[] | null>(null);
  const [loading, setLoading] = useState(true);
  const [loadError, setLoadError] = useState('');
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);
  const [asking, setAsking] = useState<Question | null>(null);
  const [busy, setBusy] = useState(false);
  const outcomeLine = useRef<HTMLDivElement>(null);
  const everywhere = useRef<HTMLButtonElement>(null);

  async function load() {
    setLoading(true);
    setLoadError('');
    try {
      const found = await api.call('get', '/api/agents/{id}/devices', { path: { id: agentId } });
      setDevices(ordered(found.devices));
    } catch (e) {
      setLoadError(`The devices could not be loaded: ${errorText(e)}`);
    } finally {
      setLoading(false);
    }
  }

  useEffect(() => {
    void load();
  }, [agentId]);

  /**
   * Runs a sign-out and says how it went, then reads the list again; `action` answers what to
   * say, or null when this console's own sign-in ended (the console leaves for the sign-in screen).
   */
  async function signOut(action: () => Promise<string | null>) {
    setAsking(null);
    setOutcome(null);
    setBusy(true);
    try {
      const said = await action();
      if (said === null) return;
      setOutcome({ ok: true, text: said });
    } catch (e) {
      setOutcome({ ok: false, text: errorText(e) });
    }
    await load();
    setBusy(false);
    // The button pressed is gone: the outcome takes the focus.
    requestAnimationFrame(() => outcomeLine.current?.focus());
  }

  const signOutOne = (device: Device) =>
    signOut(async () => {
      await api.call('delete', '/api/agents/devices/{id}', { path: { id: device.id } });
      return `Signed out ${device.name}.`;
    });

  const signOutAll = () =>
    signOut(async () => {
      const { ended } = await api.call('delete', '/api/agents/{id}/devices', { path: { id: agentId } });
      if (owner.self) {
        owner.onSignedOutEverywhere();
        return null;
      }
      return endedText(owner.name, ended);
    });

  return (
    <div class="devices">
      <div ref={outcomeLine} tabIndex={-1} class="devices-outcome">
        <p class="ok-text" role="status">
          {outcome?.ok ? outcome.text : ''}
        </p>
        {outcome && !outcome.ok && (
          <p class="error-text" role="alert">
            {outcome.text}
          </p>
        )}
      </div>
      {loadError && (
        <div class="row-actions devices-load-error">
          <p class="error-text" role="alert">
            {loadError}
          </p>
          <button type="button" class="btn btn-small" disabled={loading} onClick={() => void load()}>
            Try again
          </button>
        </div>
      )}
      {devices === null ? (
        loading && (
          <p class="muted" aria-busy="true">
            Loading devices…
          </p>
        )
      ) : devices.length === 0 ? (
        <p class="muted">
          {owner.self ? 'No device is signed in.' : `${owner.name} is not signed in on any device.`}
        </p>
      ) : (
        <>
          <ul class="device-list" aria-label="Signed-in devices" aria-busy={loading ? 'true' : undefined}>
            {devices.map((d) => (
              <DeviceItem
                key={d.id}
                device={d}
                busy={busy}
                asking={asking?.kind === 'one' && asking.device.id === d.id}
                onAsk={() => setAsking({ kind: 'one', device: d })}
                onKeep={() => setAsking(null)}
                onSignOut={() => void signOutOne(d)}
              />
            ))}
          </ul>
          {asking?.kind === 'all' ? (
            <EverywhereQuestion
              owner={owner}
              onSignOut={() => void signOutAll()}
              onKeep={() => {
                setAsking(null);
                refocus(everywhere);
              }}
            />
          ) : (
            <button ref={everywhere} type="button" class="btn btn-danger" disabled={busy} onClick={() => setAsking({ kind: 'all' })}>
              Sign out everywhere
            </button>
          )}
        </>
      )}
    </div>
  );
}

interface ItemProps {
  device: Device;
  busy: boolean;
  asking: boolean;
  onAsk: () => void;
  onKeep: () => void;
  onSignOut: () => void;
}

function DeviceItem({ device, busy, asking, onAsk, onKeep, onSignOut }: ItemProps) {
  const nameId = `device-name-${device.id}`;
  const button = useRef<HTMLButtonElement>(null);
  return (
    <li class="device" data-device={device.id} data-current={device.current ? '' : undefined}>
      <div class="device-main">
        <div class="device-name" id={nameId}>
          {device.name}
          {device.current && <span class="device-here">This device</span>}
        </div>
        <div class="muted small">
          {device.address} · Started <When iso={device.started_at} /> · Last used <When iso={device.last_used_at} />
        </div>
      </div>
      {!device.current &&
        (asking ? (
          <Ask
            question={`Sign out ${device.name}? It is signed out at once and has to sign in again.`}
            confirmLabel="Sign out"
            onConfirm={onSignOut}
            onKeep={() => {
              onKeep();
              refocus(button);
            }}
          />
        ) : (
          <button ref={button} type="button" class="btn" disabled={busy} aria-describedby={nameId} onClick={onAsk}>
            Sign out
          </button>
        ))}
    </li>
  );
}

/** Gives the focus back to the button that asked, once it is back in the page. */
function refocus(button: RefObject<HTMLButtonElement>) {
  requestAnimationFrame(() => button.current?.focus());
}

function When({ iso }: { iso: string }) {
  return (
    <time dateTime={iso} title={new Date(iso).toLocaleString()}>
      {shortWhen(iso)}
    </time>
  );
}

function EverywhereQuestion({ owner, onSignOut, onKeep }: { owner: Owner; onSignOut: () => void; onKeep: () => void }) {
  const question = owner.self
    ? 'Sign out everywhere? Every device of yours is signed out at once, this one too; each signs in again with your password.'
    : `Sign ${owner.name} out everywhere? Each of their devices is signed out at once; they sign in again with their password.`;
  return <Ask question={question} confirmLabel="Sign out everywhere" onConfirm={onSignOut} onKeep={onKeep} />;
}

/** A question in place; the safe choice has the focus, so Enter does not sign out by accident. */
function Ask({ question, confirmLabel, onConfirm, onKeep }: { question: string; confirmLabel: string; onConfirm: () => void; onKeep: () => void }) {
  const id = useId();
  const keep = useRef<HTMLButtonElement>(null);
  useEffect(() => keep.current?.focus(), []);
  return (
    <div class="devices-question" role="group" aria-labelledby={id}>
      <p id={id}>{question}</p>
      <div class="row-actions">
        <button type="button" class="btn btn-danger" onClick={onConfirm}>
          {confirmLabel}
        </button>
        <button ref={keep} type="button" class="btn" onClick={onKeep}>
          Cancel
        </button>
      </div>
    </div>
  );
}
