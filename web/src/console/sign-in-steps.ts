// The steps of signing in to the console: the password, then the code of the agent's second
// factor when it is on, or setting one up first when their organization requires it (its QR
// code, a confirming code, then the recovery codes before the console opens). Each answer of the
// server moves from one step to the next; the screens only show the step they are given.

import { ApiError, errorText } from '../shared/api';
import type { components } from '../shared/types';
import type { AgentAccount } from './account';

export type SecondFactorSetup = components['schemas']['SecondFactorSetup'];

export type SignInState =
  | { step: 'password'; error: string }
  | { step: 'code'; error: string }
  /** The organization requires a second factor: its set-up is being asked for. */
  | { step: 'starting-setup' }
  | { step: 'setup'; setup: SecondFactorSetup }
  /** Turned on and signed in: the recovery codes are shown before the console opens. */
  | { step: 'codes'; account: AgentAccount; codes: string[] };

export type SignInEvent =
  | { type: 'refused'; code: string; message: string }
  | { type: 'setup'; setup: SecondFactorSetup }
  | { type: 'enabled'; account: AgentAccount; codes: string[] }
  | { type: 'back' };

export const FIRST_STEP: SignInState = { step: 'password', error: '' };

/** Said when the code step is sent without a code. */
export const CODE_MISSING = 'Enter the code from your authenticator app, or a recovery code.';

/** The event of a refused request, from whatever it threw. */
export function refusal(e: unknown): SignInEvent {
  return { type: 'refused', code: e instanceof ApiError ? e.code : 'internal', message: errorText(e) };
}

export function signInAfter(state: SignInState, event: SignInEvent): SignInState {
  switch (event.type) {
    case 'back':
      return FIRST_STEP;
    case 'setup':
      return state.step === 'starting-setup' ? { step: 'setup', setup: event.setup } : state;
    case 'enabled':
      return state.step === 'setup' ? { step: 'codes', account: event.account, codes: event.codes } : state;
    case 'refused':
      return refused(state, event);
  }
}

function refused(state: SignInState, { code, message }: { code: string; message: string }): SignInState {
  switch (state.step) {
    case 'password':
      if (code === 'second_factor_required') return { step: 'code', error: '' };
      if (code === 'second_factor_setup_required') return { step: 'starting-setup' };
      return { step: 'password', error: message };
    case 'code':
      if (code === 'second_factor_setup_required') return { step: 'starting-setup' };
      return { step: 'code', error: code === 'second_factor_required' ? CODE_MISSING : message };
    case 'starting-setup':
      // The set-up could not start (say, turned on meanwhile in another tab): sign in again.
      return { step: 'password', error: message };
    case 'setup':
    case 'codes':
      // The set-up shows its own problems (a wrong code stays on its form).
      return state;
  }
}
