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

/**
 * The other side's marks per conversation, kept in this browser for one side (the console and
 * the widget may share an origin, and each keeps the other's marks).
 */
export function localMarks(side: 'client' | 'agent') {
  const key = (sessionId: string) => `raasel.marks.${side}.${sessionId}`;
  return {
    load: (sessionId: string) => loadJson<{ delivered: number; read: number }>(key(sessionId)),
    save: (sessionId: string, marks: { delivered: number; read: number }) => save(key(sessionId), JSON.stringify(marks)),
  };
}
