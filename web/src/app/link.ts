// A link from an e-mail opens the app at `/?resume=TOKEN` (`&rate=N` when a score was chosen in
// it): after logging in, the customer lands in that conversation.

import { parseScore } from '../shared/rating';

export interface EmailLink {
  token: string;
  /** A score chosen in the e-mail, preselected in the rating. */
  rate: number | null;
}

export function readLink(search: string): EmailLink | null {
  const q = new URLSearchParams(search);
  const token = q.get('resume');
  return token ? { token, rate: parseScore(q.get('rate')) } : null;
}

/** The link's parameters leave the address once used, so a reload does not use it again. */
export function forgetLink(): void {
  const url = new URL(location.href);
  url.searchParams.delete('resume');
  url.searchParams.delete('rate');
  history.replaceState(null, '', url);
}
