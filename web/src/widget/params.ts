// The chat window's parameters, from its query string (set by the loader, or by a link in an
// e-mail for `resume` and `rate`).

import { parseScore } from '../shared/rating';

export interface WidgetParams {
  domain: string;
  externalId: string;
  identityHash: string;
  name: string;
  email: string;
  /**
   * The host page's origin as the loader names it. Anyone can write it: it is used only once
   * `verifiedParent` (embedder.ts) has checked it against what the browser says.
   */
  parent: string;
  /** Opened by a click (rather than preloaded hidden). */
  open: boolean;
  /** The team the site chose for its visitors (`data-team`: a team's name or id), if any. */
  team: string;
  /** The language the site chose (`data-locale`, `Raasel.setLocale`), if any. */
  locale: string;
  /** The site's attributes of its user (`Raasel.setUser({attributes})`), sent when a conversation starts. */
  attributes: Record<string, unknown> | null;
  /** A signed link's token from an e-mail, which opens its conversation. */
  resume: string;
  /** A score (1 to 5) chosen in an e-mail, preselected in the rating. */
  rate: number | null;
}

function parseAttributes(raw: string | null): Record<string, unknown> | null {
  if (!raw) return null;
  try {
    const value: unknown = JSON.parse(raw);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export function readParams(search: string): WidgetParams {
  const q = new URLSearchParams(search);
  return {
    domain: (q.get('org') ?? '').trim().toLowerCase(),
    externalId: q.get('eid') ?? '',
    identityHash: q.get('hash') ?? '',
    name: q.get('name') ?? '',
    email: q.get('email') ?? '',
    parent: q.get('parent') ?? '',
    open: q.get('open') === '1',
    team: q.get('team') ?? '',
    locale: q.get('locale') ?? '',
    attributes: parseAttributes(q.get('attrs')),
    resume: q.get('resume') ?? '',
    rate: parseScore(q.get('rate')),
  };
}
