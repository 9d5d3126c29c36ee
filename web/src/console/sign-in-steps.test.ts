import { describe, expect, test } from 'vitest';
import { ApiError } from '../shared/api';
import type { AgentAccount } from './account';
import { CODE_MISSING, FIRST_STEP, type SecondFactorSetup, type SignInState, refusal, signInAfter } from './sign-in-steps';

const setup: SecondFactorSetup = { secret: 'JBSWY3DPEHPK3PXP', otpauth_uri: 'otpauth://totp/x', qr: { size: 1, rows: ['1'] } };
const account = { token: 'tok', agent: { id: 'a1' } } as unknown as AgentAccount;
const codes = ['aaaa-bbbb'];

function refused(code: string, message = code) {
  return { type: 'refused' as const, code, message };
}

describe('signInAfter', () => {
  test('a password that needs the code leads to the code step', () => {
    expect(signInAfter(FIRST_STEP, refused('second_factor_required'))).toEqual({ step: 'code', error: '' });
  });

  test('a wrong password stays on the password step with the reason', () => {
    expect(signInAfter(FIRST_STEP, refused('unauthorized', 'wrong e-mail or password'))).toEqual({
      step: 'password',
      error: 'wrong e-mail or password',
    });
  });

  test('a wrong code stays on the code step with the reason', () => {
    const state = signInAfter({ step: 'code', error: '' }, refused('unauthorized', 'wrong code: use the current code'));
    expect(state).toEqual({ step: 'code', error: 'wrong code: use the current code' });
  });

  test('a code step sent without a code asks for it', () => {
    expect(signInAfter({ step: 'code', error: '' }, refused('second_factor_required'))).toEqual({ step: 'code', error: CODE_MISSING });
  });

  test('an organization requiring a second factor leads through its set-up to the recovery codes', () => {
    let state: SignInState = signInAfter(FIRST_STEP, refused('second_factor_setup_required'));
    expect(state).toEqual({ step: 'starting-setup' });
    state = signInAfter(state, { type: 'setup', setup });
    expect(state).toEqual({ step: 'setup', setup });
    state = signInAfter(state, { type: 'enabled', account, codes });
    expect(state).toEqual({ step: 'codes', account, codes });
  });

  test('a set-up that cannot start goes back to the password with the reason', () => {
    expect(signInAfter({ step: 'starting-setup' }, refused('conflict', 'it is on already'))).toEqual({
      step: 'password',
      error: 'it is on already',
    });
  });

  test('the set-up keeps its own problems', () => {
    const state: SignInState = { step: 'setup', setup };
    expect(signInAfter(state, refused('validation_failed'))).toBe(state);
  });

  test('answers that belong to another step change nothing', () => {
    expect(signInAfter(FIRST_STEP, { type: 'setup', setup })).toBe(FIRST_STEP);
    expect(signInAfter(FIRST_STEP, { type: 'enabled', account, codes })).toBe(FIRST_STEP);
  });

  test('back returns to the password step from anywhere', () => {
    expect(signInAfter({ step: 'code', error: 'wrong code' }, { type: 'back' })).toEqual(FIRST_STEP);
    expect(signInAfter({ step: 'setup', setup }, { type: 'back' })).toEqual(FIRST_STEP);
  });
});

describe('refusal', () => {
  test("carries the server's code and message", () => {
    expect(refusal(new ApiError(401, 'second_factor_required', 'a code is needed'))).toEqual(refused('second_factor_required', 'a code is needed'));
  });

  test('anything else is an internal problem with its message', () => {
    expect(refusal(new Error('boom'))).toEqual(refused('internal', 'boom'));
  });
});
