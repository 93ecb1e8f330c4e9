/**
 * Undo/redo over whole-document snapshots. Snapshots share structure (immutable updates),
 * so keeping a hundred of a 300-node graph is cheap. Edits that share a coalesce key within
 * a short window (typing in one field) become a single undo step.
 */
export interface History<T> {
  past: T[];
  future: T[];
  lastKey: string | null;
  lastAt: number;
}

export const HISTORY_LIMIT = 100;
export const COALESCE_MS = 1000;

export function emptyHistory<T>(): History<T> {
  return { past: [], future: [], lastKey: null, lastAt: 0 };
}

/** Records `before` (the state before an edit) as an undo step. */
export function record<T>(h: History<T>, before: T, key: string | null = null, now = Date.now()): History<T> {
  if (key !== null && key === h.lastKey && now - h.lastAt < COALESCE_MS && h.past.length > 0) {
    return { ...h, future: [], lastAt: now };
  }
  const past = [...h.past, before];
  if (past.length > HISTORY_LIMIT) past.shift();
  return { past, future: [], lastKey: key, lastAt: now };
}

/** Steps back: returns the state to show and the new history, or null when there is nothing to undo. */
export function undo<T>(h: History<T>, current: T): { history: History<T>; state: T } | null {
  const state = h.past.at(-1);
  if (state === undefined) return null;
  return { history: { past: h.past.slice(0, -1), future: [current, ...h.future], lastKey: null, lastAt: 0 }, state };
}

export function redo<T>(h: History<T>, current: T): { history: History<T>; state: T } | null {
  const state = h.future[0];
  if (state === undefined) return null;
  return { history: { past: [...h.past, current], future: h.future.slice(1), lastKey: null, lastAt: 0 }, state };
}
