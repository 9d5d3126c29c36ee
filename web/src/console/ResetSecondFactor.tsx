// An admin resets another agent's second factor (a lost phone): after a confirmation naming what
// stops working, their app and recovery codes no longer sign them in; they set up a new one at
// their next sign-in when the organization requires one.

import { useState } from 'preact/hooks';
import { type Api, errorText } from '../shared/api';
import type { Agent, components } from '../shared/types';
import { ConfirmDialog } from './ConfirmDialog';

type Status = components['schemas']['SecondFactorStatus'];

export interface Outcome {
  ok: boolean;
  text: string;
}

function whatStops(codesLeft: number): string {
  if (codesLeft === 0) return 'Their authenticator app stops working (no recovery codes are left).';
  return `Their authenticator app and their ${codesLeft} remaining recovery ${codesLeft === 1 ? 'code' : 'codes'} stop working.`;
}

export function ResetSecondFactor({ agent, api, onOutcome }: { agent: Agent; api: Api; onOutcome: (outcome: Outcome) => void }) {
  const [asking, setAsking] = useState<Status | null>(null);
  const path = { id: agent.id };

  async function ask() {
    try {
      const status = await api.call('get', '/api/agents/{id}/second-factor', { path });
      if (status.enabled) setAsking(status);
      else onOutcome({ ok: true, text: `${agent.name} has no second factor on: there is nothing to reset.` });
    } catch (e) {
      onOutcome({ ok: false, text: errorText(e) });
    }
  }

  async function reset(status: Status) {
    setAsking(null);
    try {
      await api.call('delete', '/api/agents/{id}/second-factor', { path });
      const next = status.required ? 'They set up a new one at their next sign-in.' : 'They sign in with their password only until they turn it on again.';
      onOutcome({ ok: true, text: `Reset ${agent.name}'s second factor. ${next}` });
    } catch (e) {
      onOutcome({ ok: false, text: errorText(e) });
    }
  }

  return (
    <>
      <button type="button" class="btn" aria-label={`Reset second factor of ${agent.name}`} onClick={() => void ask()}>
        Reset second factor
      </button>
      {asking && (
        <ConfirmDialog
          title={`Reset ${agent.name}'s second factor?`}
          confirmLabel="Reset second factor"
          onCancel={() => setAsking(null)}
          onConfirm={() => void reset(asking)}
        >
          <p>
            {whatStops(asking.recovery_codes_left)}{' '}
            {asking.required
              ? 'Your organization requires a second factor, so they set up a new one at their next sign-in.'
              : 'They sign in with their password only until they turn it on again.'}
          </p>
        </ConfirmDialog>
      )}
    </>
  );
}
