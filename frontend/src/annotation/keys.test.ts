import { describe, expect, it } from 'vitest';
import { checkScore, checkScores, keyForOption, reviewAction, scoreForKey, type KeyPress } from './keys';
import type { ScoreConfig } from './types';

function config(patch: Partial<ScoreConfig>): ScoreConfig {
  return {
    id: 1,
    name: 'c',
    kind: 'text',
    description: '',
    options: [],
    min: null,
    max: null,
    step: null,
    archived: false,
    in_use: false,
    created_at: '',
    ...patch,
  };
}

const correct = config({ id: 1, name: 'Correct', kind: 'categorical', options: ['yes', 'partly', 'no'] });
const safe = config({ id: 2, name: 'Safe', kind: 'boolean' });
const rating = config({ id: 3, name: 'Rating', kind: 'numeric', min: 1, max: 5, step: 0.5 });
const notes = config({ id: 4, name: 'Notes', kind: 'text' });
const press = (key: string, mods: Partial<KeyPress> = {}): KeyPress => ({ key, ctrl: false, meta: false, alt: false, ...mods });

describe('score keys per config kind', () => {
  it('categorical: 1..n pick the options, other digits nothing', () => {
    expect(scoreForKey(correct, '1')).toBe('yes');
    expect(scoreForKey(correct, '3')).toBe('no');
    expect(scoreForKey(correct, '4')).toBeUndefined();
    expect(scoreForKey(correct, 'y')).toBeUndefined();
  });

  it('categorical: 0 is the tenth option', () => {
    const ten = config({ kind: 'categorical', options: Array.from({ length: 10 }, (_, i) => `o${i + 1}`) });
    expect(scoreForKey(ten, '0')).toBe('o10');
    expect(keyForOption(ten, 9)).toBe('0');
  });

  it('boolean: 1 / y is yes, 2 / n is no', () => {
    expect(scoreForKey(safe, '1')).toBe(true);
    expect(scoreForKey(safe, 'y')).toBe(true);
    expect(scoreForKey(safe, '2')).toBe(false);
    expect(scoreForKey(safe, 'n')).toBe(false);
    expect(scoreForKey(safe, '3')).toBeUndefined();
  });

  it('numeric and text configs take no single keys (they are typed)', () => {
    expect(scoreForKey(rating, '3')).toBeUndefined();
    expect(scoreForKey(notes, '1')).toBeUndefined();
  });
});

describe('review actions', () => {
  it('a number key scores the focused widget', () => {
    expect(reviewAction(press('2'), 'none', correct)).toEqual({ type: 'score', value: 'partly' });
    expect(reviewAction(press('n'), 'none', safe)).toEqual({ type: 'score', value: false });
  });

  it('moves between widgets with arrows and brackets', () => {
    expect(reviewAction(press('ArrowDown'), 'none', correct)).toEqual({ type: 'move', delta: 1 });
    expect(reviewAction(press(']'), 'none', correct)).toEqual({ type: 'move', delta: 1 });
    expect(reviewAction(press('ArrowUp'), 'none', correct)).toEqual({ type: 'move', delta: -1 });
    expect(reviewAction(press('['), 'none', correct)).toEqual({ type: 'move', delta: -1 });
  });

  it('Enter submits, but presses a focused button instead', () => {
    expect(reviewAction(press('Enter'), 'none', correct)).toEqual({ type: 'submit' });
    expect(reviewAction(press('Enter'), 'button', correct)).toEqual({ type: 'none' });
  });

  it('letters: s skip, e corrected output, c comment, ? help, i instructions, t trace', () => {
    expect(reviewAction(press('s'), 'none', correct).type).toBe('skip');
    expect(reviewAction(press('e'), 'none', correct).type).toBe('edit-output');
    expect(reviewAction(press('c'), 'none', correct).type).toBe('comment');
    expect(reviewAction(press('?'), 'none', correct).type).toBe('help');
    expect(reviewAction(press('i'), 'none', null).type).toBe('instructions');
    expect(reviewAction(press('t'), 'none', null).type).toBe('trace');
  });

  it('never fires a shortcut while typing in a text area; Esc leaves it, Ctrl/Cmd+Enter submits', () => {
    for (const key of ['1', 's', 'e', '?', 'Enter', 'ArrowDown']) expect(reviewAction(press(key), 'multi', correct).type).toBe('none');
    expect(reviewAction(press('Escape'), 'multi', correct).type).toBe('escape');
    expect(reviewAction(press('Enter', { ctrl: true }), 'multi', correct).type).toBe('submit');
    expect(reviewAction(press('Enter', { meta: true }), 'multi', correct).type).toBe('submit');
  });

  it('in a number field digits are typed; Enter submits, arrows move on', () => {
    expect(reviewAction(press('3'), 'line', rating).type).toBe('none');
    expect(reviewAction(press('s'), 'line', rating).type).toBe('none');
    expect(reviewAction(press('Enter'), 'line', rating).type).toBe('submit');
    expect(reviewAction(press('ArrowDown'), 'line', rating)).toEqual({ type: 'move', delta: 1 });
  });

  it('with a dialog open only Esc (and ? for the sheet) act', () => {
    expect(reviewAction(press('1'), 'none', correct, true).type).toBe('none');
    expect(reviewAction(press('Enter'), 'line', correct, true).type).toBe('none');
    expect(reviewAction(press('Enter', { ctrl: true }), 'none', correct, true).type).toBe('none');
    expect(reviewAction(press('Escape'), 'line', correct, true).type).toBe('escape');
    expect(reviewAction(press('?'), 'none', correct, true).type).toBe('help');
  });

  it('leaves browser shortcuts alone', () => {
    expect(reviewAction(press('c', { ctrl: true }), 'none', correct).type).toBe('none');
    expect(reviewAction(press('1', { alt: true }), 'none', correct).type).toBe('none');
  });
});

describe('score validation', () => {
  it('requires every non-text score', () => {
    expect(checkScore(correct, undefined)).toEqual({ ok: false, error: 'Required.' });
    expect(checkScore(safe, '')).toEqual({ ok: false, error: 'Required.' });
    expect(checkScore(notes, undefined)).toEqual({ ok: true, value: null });
  });

  it('categorical: one of the options', () => {
    expect(checkScore(correct, 'partly')).toEqual({ ok: true, value: 'partly' });
    expect(checkScore(correct, 'maybe').ok).toBe(false);
  });

  it('boolean: true or false only', () => {
    expect(checkScore(safe, false)).toEqual({ ok: true, value: false });
    expect(checkScore(safe, 'yes').ok).toBe(false);
  });

  it('numeric: a number within min..max on the step', () => {
    expect(checkScore(rating, '4.5')).toEqual({ ok: true, value: 4.5 });
    expect(checkScore(rating, ' 2 ')).toEqual({ ok: true, value: 2 });
    expect(checkScore(rating, '4.2')).toEqual({ ok: false, error: 'In steps of 0.5.' });
    expect(checkScore(rating, '6')).toEqual({ ok: false, error: 'Between 1 and 5.' });
    expect(checkScore(rating, 'abc')).toEqual({ ok: false, error: 'A number.' });
    expect(checkScore(rating, '1e')).toEqual({ ok: false, error: 'A number.' });
  });

  it('numeric steps count from min, as the API does', () => {
    const odd = config({ kind: 'numeric', min: 0.1, max: 1, step: 0.3 });
    expect(checkScore(odd, '0.7').ok).toBe(true);
    expect(checkScore(odd, '0.5').ok).toBe(false);
  });

  it('text: at most 10,000 characters', () => {
    expect(checkScore(notes, 'fine')).toEqual({ ok: true, value: 'fine' });
    expect(checkScore(notes, 'x'.repeat(10_001)).ok).toBe(false);
  });

  it('checks all drafts at once: the scores to send and the errors by config id', () => {
    const result = checkScores([correct, safe, rating, notes], { '1': 'no', '2': true, '3': '9' });
    expect(result.scores).toEqual({ '1': 'no', '2': true });
    expect(result.errors).toEqual({ '3': 'Between 1 and 5.' });
  });
});
