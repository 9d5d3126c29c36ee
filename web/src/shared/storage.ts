// localStorage that never throws (storage may be disabled, full, or blocked in a frame).

export function load(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

export function save(key: string, value: string | null): void {
  try {
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, value);
  } catch {
    // Not kept: the user signs in again next time.
  }
}

export function loadJson<T>(key: string): T | null {
  const raw = load(key);
  if (!raw) return null;
  try {
    return JSON.parse(raw) as T;
  } catch {
    return null;
  }
}

/** The other side's marks per conversation, kept in this browser. */
export const localMarks = {
  load: (sessionId: string) => loadJson<{ delivered: number; read: number }>(`raasel.marks.${sessionId}`),
  save: (sessionId: string, marks: { delivered: number; read: number }) =>
    save(`raasel.marks.${sessionId}`, JSON.stringify(marks)),
};
