// Choosing a team before the first message, the same way in the widget and the customer app:
// the teams the organization's profile lists (only when it offers the choice), the one a site
// names with data-team (its id, or its name in any case), what each team's availability is
// called, and the organization as one team answers it. Pure: no DOM.

import { t } from './i18n';
import type { Availability, PublicOrganization, PublicTeam } from './types';

/** The team a site named (by id, or by name ignoring case and surrounding spaces). */
export function findTeam(teams: readonly PublicTeam[], wanted: string | null | undefined): PublicTeam | undefined {
  const name = (wanted ?? '').trim().toLowerCase();
  if (!name) return undefined;
  return teams.find((t) => t.id === wanted?.trim()) ?? teams.find((t) => t.name.toLowerCase() === name);
}

/** A team's availability in words, beside its name. */
export function availabilityName(availability: Availability): string {
  switch (availability) {
    case 'available':
      return t('team.available');
    case 'busy':
      return t('team.busy');
    case 'offline':
      return t('team.offline');
  }
}

/**
 * The organization as `teamId` answers it: that team's state (its agents, in its hours, with
 * its usual wait, are the ones who answer), or the organization's own when the team is not
 * among the listed ones.
 */
export function answeredBy(org: PublicOrganization, teamId: string | null | undefined): PublicOrganization {
  const team = teamId ? org.teams.find((t) => t.id === teamId) : undefined;
  if (!team) return org;
  return {
    ...org,
    availability: team.availability,
    online: team.availability !== 'offline',
    reopens: team.reopens ?? null,
    usual_wait_secs: team.usual_wait_secs ?? null,
  };
}
