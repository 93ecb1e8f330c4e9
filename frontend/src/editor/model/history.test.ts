import { describe, expect, it } from 'vitest';
import { COALESCE_MS, emptyHistory, HISTORY_LIMIT, record, redo, undo } from './history';

describe('undo / redo', () => {
  it('walks back and forth through edits', () => {
    let h = emptyHistory<string>();
    h = record(h, 'A', null, 0); // A -> B
    h = record(h, 'B', null, 10); // B -> C
    const u1 = undo(h, 'C')!;
    expect(u1.state).toBe('B');
    const u2 = undo(u1.history, 'B')!;
    expect(u2.state).toBe('A');
    expect(undo(u2.history, 'A')).toBeNull();
    const r1 = redo(u2.history, 'A')!;
    expect(r1.state).toBe('B');
    expect(redo(r1.history, 'B')!.state).toBe('C');
  });

  it('forgets the redo branch after a new edit', () => {
    let h = record(emptyHistory<string>(), 'A', null, 0);
    h = undo(h, 'B')!.history;
    h = record(h, 'A', null, 5000);
    expect(redo(h, 'X')).toBeNull();
  });

  it('makes typing in one field a single undo step', () => {
    let h = emptyHistory<string>();
    h = record(h, '', 'config:llm', 0);
    h = record(h, 'H', 'config:llm', 200);
    h = record(h, 'He', 'config:llm', 400);
    expect(h.past).toEqual(['']);
    h = record(h, 'Hel', 'config:llm', 400 + COALESCE_MS + 1); // a pause starts a new step
    expect(h.past).toEqual(['', 'Hel']);
    h = record(h, 'x', 'title:llm', 400 + COALESCE_MS + 2); // another field too
    expect(h.past).toHaveLength(3);
  });

  it('keeps at most the limit of steps', () => {
    let h = emptyHistory<number>();
    for (let i = 0; i < HISTORY_LIMIT + 20; i += 1) h = record(h, i, null, i * 2000);
    expect(h.past).toHaveLength(HISTORY_LIMIT);
    expect(h.past[0]).toBe(20);
  });
});
