import { describe, expect, test } from 'vitest';
import { answeredBy, availabilityName, findTeam } from './teams';
import { profileFixture } from '../../test/fixtures';
import type { PublicOrganization, PublicTeam } from './types';

const monday = { at: '2030-01-07T08:00:00Z', local: 'Monday 09:00' };
const sales: PublicTeam = { id: '0194-sales', name: 'Sales', availability: 'offline', reopens: monday, usual_wait_secs: null };
const support: PublicTeam = { id: '0194-support', name: 'Customer Support', availability: 'busy', reopens: null, usual_wait_secs: 240 };

function org(teams: PublicTeam[]): PublicOrganization {
  return profileFixture({ name: 'Sample', welcome_message: 'Hi', offline_message: 'Later', teams });
}

describe('choosing a team', () => {
  test('a site names a team by id or by name in any case', () => {
    expect(findTeam([sales, support], '0194-support')).toBe(support);
    expect(findTeam([sales, support], '  customer SUPPORT ')).toBe(support);
    expect(findTeam([sales, support], 'Billing')).toBeUndefined();
    expect(findTeam([sales, support], '')).toBeUndefined();
    expect(findTeam([], 'Sales')).toBeUndefined();
  });

  test('the chosen team’s availability, hours and usual wait are what the customer is told', () => {
    const o = org([sales, support]);
    expect(answeredBy(o, sales.id)).toMatchObject({ availability: 'offline', online: false, reopens: monday, usual_wait_secs: null });
    expect(answeredBy(o, support.id)).toMatchObject({ availability: 'busy', online: true, reopens: null, usual_wait_secs: 240 });
    expect(answeredBy(o, 'unknown')).toBe(o);
    expect(answeredBy(o, null)).toBe(o);
  });

  test('every availability has words', () => {
    expect(availabilityName('available')).toBe('Online now');
    expect(availabilityName('busy')).toMatch(/Busy/);
    expect(availabilityName('offline')).toMatch(/Offline/);
  });
});
