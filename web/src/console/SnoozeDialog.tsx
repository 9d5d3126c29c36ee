// Until when to snooze a conversation: an hour, tomorrow at 9:00 in the agent's own time, until
// the customer writes, or a date and time typed in. Each time is worked out when chosen, so a
// dialog left open a while still means "from now".

import { useState } from 'preact/hooks';
import { errorText } from '../shared/api';
import { useNow } from '../shared/hooks';
import type { ConsoleSession } from '../shared/types';
import { ToolDialog } from './ToolDialog';
import { comingWhen, customSnooze, inOneHour, localInputValue, tomorrowAt } from './snooze-time';
import type { Workspace } from './workspace';

interface Props {
  workspace: Workspace;
  session: ConsoleSession;
  onClose: () => void;
}

interface Choice {
  label: string;
  /** The ISO time it stands for now (null: until the customer writes). */
  until: (now: Date) => string | null;
}

const CHOICES: Choice[] = [
  { label: '1 hour', until: (now) => inOneHour(now).toISOString() },
  { label: 'Tomorrow 9:00', until: (now) => tomorrowAt(now).toISOString() },
  { label: 'Until the customer writes', until: () => null },
];

export function SnoozeDialog({ workspace, session, onClose }: Props) {
  const now = useNow(30_000);
  const [custom, setCustom] = useState(() => localInputValue(tomorrowAt(new Date())));
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  async function snooze(until: string | null) {
    setError('');
    setBusy(true);
    try {
      await workspace.snooze(session.id, until);
      onClose();
    } catch (e) {
      setError(errorText(e));
      setBusy(false);
    }
  }

  function snoozeCustom(e: Event) {
    e.preventDefault();
    const chosen = customSnooze(custom, new Date());
    if ('error' in chosen) setError(chosen.error);
    else void snooze(chosen.until.toISOString());
  }

  return (
    <ToolDialog title="Snooze conversation" kind="snooze-dialog" onClose={onClose}>
      <p class="muted small snooze-intro">
        It leaves your conversations until then. A message from {session.client_name} always brings it back sooner.
      </p>
      <ul class="snooze-choices">
        {CHOICES.map((c) => {
          const until = c.until(new Date(now));
          return (
            <li key={c.label}>
              <button type="button" class="snooze-choice" disabled={busy} onClick={() => void snooze(c.until(new Date()))}>
                <span class="snooze-label">{c.label}</span>
                <span class="muted small">{until ? comingWhen(until, now) : 'no set time'}</span>
              </button>
            </li>
          );
        })}
      </ul>
      <form class="snooze-custom" onSubmit={snoozeCustom} noValidate>
        <label for="snooze-at">Until a date and time</label>
        <div class="snooze-custom-row">
          <input
            id="snooze-at"
            type="datetime-local"
            value={custom}
            min={localInputValue(new Date(now))}
            onInput={(e) => setCustom(e.currentTarget.value)}
            aria-invalid={error ? 'true' : undefined}
            aria-describedby={error ? 'snooze-error' : undefined}
          />
          <button type="submit" class="btn btn-primary" disabled={busy}>
            Snooze until then
          </button>
        </div>
      </form>
      {error && (
        <p id="snooze-error" class="error-text" role="alert">
          {error}
        </p>
      )}
    </ToolDialog>
  );
}
