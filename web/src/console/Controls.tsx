// The agent's own controls in the top bar: availability, and how new things are announced.

import { useState } from 'preact/hooks';
import { errorText } from '../shared/api';
import type { AgentStatus } from '../shared/types';
import type { Notifier } from './notifier';
import type { Workspace } from './workspace';

const STATUSES: { value: AgentStatus; label: string }[] = [
  { value: 'active', label: 'Active' },
  { value: 'busy', label: 'Busy' },
  { value: 'inactive', label: 'Inactive' },
];

export function StatusSwitch({ workspace }: { workspace: Workspace }) {
  const [error, setError] = useState('');
  return (
    <span class="status-switch">
      <span class={`dot status-${workspace.me.status}`} aria-hidden="true" />
      <select
        aria-label="My status"
        value={workspace.me.status}
        onChange={(e) => {
          setError('');
          workspace.setStatus(e.currentTarget.value as AgentStatus).catch((err) => setError(errorText(err)));
        }}
        title={error || 'Active: new conversations are assigned to you. Busy or inactive: they are not.'}
      >
        {STATUSES.map((s) => (
          <option key={s.value} value={s.value}>
            {s.label}
          </option>
        ))}
      </select>
    </span>
  );
}

export function AlertSettings({ notifier }: { notifier: Notifier }) {
  const [sound, setSound] = useState(notifier.sound);
  const [desktop, setDesktop] = useState(notifier.desktop);
  return (
    <details class="alerts">
      <summary>Alerts</summary>
      <div class="alerts-panel">
        <p class="muted small">New conversations and messages always show in the tab's title.</p>
        <label class="check">
          <input
            type="checkbox"
            checked={sound}
            onChange={(e) => {
              notifier.setSound(e.currentTarget.checked);
              setSound(notifier.sound);
            }}
          />
          Play a sound
        </label>
        <label class="check">
          <input
            type="checkbox"
            checked={desktop}
            onChange={(e) => void notifier.setDesktop(e.currentTarget.checked).then(setDesktop)}
          />
          Desktop notifications when this tab is hidden
        </label>
      </div>
    </details>
  );
}
