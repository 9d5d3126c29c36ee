import { describe, expect, it } from 'vitest';
import { ssoErrorText, ssoReturn, ssoStartUrl, withoutSsoParams } from './sso-sign-in';

describe('single sign-on from the sign-in page', () => {
  it('starts with the organization and the e-mail typed', () => {
    expect(ssoStartUrl('o1', ' ann@acme.test ')).toBe('/api/sso/start?organization_id=o1&login_hint=ann%40acme.test');
    expect(ssoStartUrl('o1', '')).toBe('/api/sso/start?organization_id=o1');
  });

  it('reads what the server said on the way back', () => {
    expect(ssoReturn('?sso=signed_in')).toEqual({ signedIn: true });
    expect(ssoReturn('?sso_error=sso_unknown_agent')).toEqual({ error: ssoErrorText('sso_unknown_agent') });
    expect(ssoErrorText('sso_busy')).toMatch(/Try again in a few minutes/);
    expect(ssoReturn('?sso_error=something_new')).toEqual({ error: 'Single sign-on did not work. Try again.' });
    expect(ssoReturn('')).toBeNull();
  });

  it('drops its parameters from the address', () => {
    expect(withoutSsoParams('http://h/console/?sso=signed_in')).toBe('/console/');
    expect(withoutSsoParams('http://h/console/?sso_error=x&view=mine#s')).toBe('/console/?view=mine#s');
  });
});
