// What a customer is told about an organization's availability, the same way in the widget and
// the customer app: available (someone can answer now), busy (agents are online, the customer
// waits in line, with the usual wait when the server knows it), offline (nobody online, or
// outside business hours: leave a message, and when it opens again). Never "offline" and
// "shortly" together. Pure: no DOM; in the current language (i18n).

import { t, weekdayName } from './i18n';
import type { PublicOrganization } from './types';

type Org = Pick<PublicOrganization, 'availability' | 'reopens' | 'usual_wait_secs'>;

/** The header line while no agent answers yet. */
export function statusLine(org: Org): string {
  switch (org.availability) {
    case 'available':
      return t('status.online');
    case 'busy':
      return t('status.busy');
    case 'offline':
      return org.reopens ? t('status.offlineBack', { when: backOn(org.reopens.local) }) : t('status.offline');
  }
}

/** "Monday 09:00" (the organization's local weekday and time) → "on Monday at 09:00". */
function backOn(local: string): string {
  const [day, time] = local.split(' ');
  return time ? t('when.dayTime', { day: weekdayName(day), time }) : local;
}

/** "about 4 minutes", from seconds (at least a minute). */
export function aboutWait(secs: number): string {
  const minutes = Math.max(1, Math.round(secs / 60));
  return minutes === 1 ? t('wait.oneMinute') : t('wait.minutes', { n: minutes });
}

/**
 * What a waiting customer reads about their place in line, or null when there is nothing true
 * to say (offline: nobody will be "with you shortly").
 */
export function waitingLine(org: Org, position: number | undefined): string | null {
  if (org.availability === 'offline' || position === undefined) return null;
  const place = position === 1 ? t('queue.next') : t('queue.number', { n: position });
  if (org.availability === 'busy') {
    return org.usual_wait_secs != null
      ? t('queue.busyWait', { place, wait: aboutWait(org.usual_wait_secs) })
      : t('queue.busy', { place });
  }
  return t('queue.available', { place });
}

/** When an offline organization opens again, as a sentence (null when it does not say). */
export function reopensLine(org: Org): string | null {
  return org.availability === 'offline' && org.reopens ? t('status.reopens', { when: backOn(org.reopens.local) }) : null;
}

/** The class of the status dot (of an organization, or of one of its teams). */
export function dotClass(org: Pick<Org, 'availability'>): string {
  return org.availability === 'available' ? 'dot dot-online' : org.availability === 'busy' ? 'dot dot-busy' : 'dot';
}
