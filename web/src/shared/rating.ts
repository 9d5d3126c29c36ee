// A conversation's rating: a score of 1 (bad) to 5 (good), as links in e-mails carry it. Pure.

/** A score of 1 to 5 from a link's parameter, or null. */
export function parseScore(raw: string | null): number | null {
  const n = Number(raw);
  return raw !== null && Number.isInteger(n) && n >= 1 && n <= 5 ? n : null;
}
