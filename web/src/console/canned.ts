// Canned replies in the composer: which saved replies a typed `/shortcut` offers, and the text a
// chosen one becomes once its placeholders are filled for this conversation. Pure.

import type { CannedReply } from '../shared/types';

/** What the placeholders of a reply stand for in one conversation. */
export interface PlaceholderValues {
  customerName: string;
  agentName: string;
  organizationName: string;
}

const PLACEHOLDER = /\{\{\s*(customer|agent|organization)\.name\s*\}\}/g;

/**
 * The reply's text for this conversation: `{{customer.name}}`, `{{agent.name}}` and
 * `{{organization.name}}` (spaces inside the braces allowed) filled; any other braces stay as
 * written, so a typo shows in the composer instead of vanishing.
 */
export function fillPlaceholders(content: string, values: PlaceholderValues): string {
  return content.replace(PLACEHOLDER, (_, who: 'customer' | 'agent' | 'organization') => {
    if (who === 'customer') return values.customerName;
    if (who === 'agent') return values.agentName;
    return values.organizationName;
  });
}

/**
 * Replies for a typed shortcut: those whose shortcut starts with it first, then those that
 * contain it, each group by shortcut; a personal reply before a shared one with the same
 * shortcut (the agent's own wording wins).
 */
export function matchCanned(replies: readonly CannedReply[], query: string): CannedReply[] {
  const q = query.toLowerCase();
  const rank = (r: CannedReply) => (r.shortcut.startsWith(q) ? 0 : r.shortcut.includes(q) ? 1 : 2);
  return replies
    .filter((r) => rank(r) < 2)
    .sort(
      (a, b) =>
        rank(a) - rank(b) || a.shortcut.localeCompare(b.shortcut) || Number(a.owner_id === null) - Number(b.owner_id === null),
    );
}

/** Whether a reply is the agent's own (or the organization's, shared by everyone). */
export function isPersonal(reply: CannedReply): boolean {
  return reply.owner_id !== null;
}

/** What a shortcut may be, as the server checks it: 1 to 32 of a-z, 0-9, `-` and `_`. */
export function shortcutProblem(shortcut: string): string | null {
  if (!shortcut) return 'Enter a shortcut.';
  if (shortcut.length > 32) return 'At most 32 characters.';
  if (!/^[a-z0-9_-]+$/.test(shortcut)) return 'Only lower-case letters, digits, - and _.';
  return null;
}
