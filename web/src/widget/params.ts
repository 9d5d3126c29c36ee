// The chat window's parameters, from its query string (set by the loader).

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
  };
}
