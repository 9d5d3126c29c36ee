// A customer's custom attributes as the panel edits them: each a text, a number or yes/no, as
// rows of a form, and the change to send (only what changed; `null` removes a key). The bounds
// are the server's: at most 50 keys of 1 to 64 letters, digits, `_`, `-` or `.`, texts of at
// most 500 characters. Pure.

export type AttributeValue = string | number | boolean;
export type AttributeKind = 'text' | 'number' | 'flag';

export interface AttributeRow {
  key: string;
  kind: AttributeKind;
  /** The value as the form holds it ('true' / 'false' for a flag). */
  value: string;
}

export const MAX_ATTRIBUTES = 50;
const KEY = /^[A-Za-z0-9_.-]{1,64}$/;

export function kindOf(value: AttributeValue): AttributeKind {
  return typeof value === 'number' ? 'number' : typeof value === 'boolean' ? 'flag' : 'text';
}

export function attributeText(value: AttributeValue): string {
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  return String(value);
}

export function rowsOf(attributes: Record<string, AttributeValue>): AttributeRow[] {
  return Object.entries(attributes)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => ({ key, kind: kindOf(value), value: String(value) }));
}

export interface AttributeChange {
  changes: Record<string, AttributeValue | null>;
  problems: string[];
}

/** What to send for the edited rows, or the problems that stop it. */
export function attributeChanges(original: Record<string, AttributeValue>, rows: readonly AttributeRow[]): AttributeChange {
  const changes: Record<string, AttributeValue | null> = {};
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const row of rows) {
    const key = row.key.trim();
    if (!key && !row.value.trim()) continue;
    if (!KEY.test(key)) {
      problems.push(`"${key}" is not an attribute name: 1 to 64 letters, digits, _, - or .`);
      continue;
    }
    if (seen.has(key)) {
      problems.push(`"${key}" is there twice.`);
      continue;
    }
    seen.add(key);
    const parsed = parse(row);
    if (typeof parsed === 'object') {
      problems.push(`${key}: ${parsed.problem}`);
      continue;
    }
    if (original[key] !== parsed) changes[key] = parsed;
  }
  for (const key of Object.keys(original)) if (!seen.has(key)) changes[key] = null;
  if (seen.size > MAX_ATTRIBUTES) problems.push(`At most ${MAX_ATTRIBUTES} attributes.`);
  return { changes, problems };
}

function parse(row: AttributeRow): AttributeValue | { problem: string } {
  if (row.kind === 'flag') return row.value === 'true';
  if (row.kind === 'number') {
    const n = Number(row.value.trim());
    return row.value.trim() && Number.isFinite(n) ? n : { problem: 'not a number' };
  }
  return [...row.value].length > 500 ? { problem: 'at most 500 characters' } : row.value;
}
