/** The review screen's keyboard, as pure functions: which action a key press means where the focus
 * is, and what a key gives for a score config of each kind. */
import type { ScoreConfig, ScoreValue } from './types';

export interface KeyPress {
  key: string;
  ctrl: boolean;
  meta: boolean;
  alt: boolean;
}

/** Where the DOM focus is: nowhere special, a one-line field (a number), a text area, or a button
 * (Enter presses it). */
export type FocusPlace = 'none' | 'line' | 'multi' | 'button';

export type ReviewAction =
  | { type: 'score'; value: ScoreValue }
  | { type: 'move'; delta: 1 | -1 }
  | { type: 'submit' }
  | { type: 'skip' }
  | { type: 'help' }
  | { type: 'escape' }
  | { type: 'edit-output' }
  | { type: 'comment' }
  | { type: 'instructions' }
  | { type: 'trace' }
  | { type: 'none' };

const NONE: ReviewAction = { type: 'none' };

/** The value a key gives for a config: 1..n an option of a categorical one (0 the tenth), 1/y yes
 * and 2/n no for a boolean one; numbers and text are typed into their fields. */
export function scoreForKey(config: ScoreConfig, key: string): ScoreValue | undefined {
  if (config.kind === 'categorical') {
    if (!/^[0-9]$/.test(key)) return undefined;
    const index = key === '0' ? 9 : Number(key) - 1;
    return config.options[index];
  }
  if (config.kind === 'boolean') {
    if (key === '1' || key === 'y') return true;
    if (key === '2' || key === 'n') return false;
  }
  return undefined;
}

/** The key that picks `value` for a config, shown beside each option. */
export function keyForOption(config: ScoreConfig, index: number): string {
  if (config.kind === 'boolean') return index === 0 ? '1' : '2';
  return index === 9 ? '0' : String(index + 1);
}

/** What a key press does on the review screen. `config` is the score widget that has the focus
 * (or the one last focused); `dialog` is true while the shortcuts sheet or the skip reason is open. */
export function reviewAction(press: KeyPress, place: FocusPlace, config: ScoreConfig | null, dialog = false): ReviewAction {
  const { key } = press;
  const command = press.ctrl || press.meta;
  if (key === 'Escape') return { type: 'escape' };
  if (command && key === 'Enter') return dialog ? NONE : { type: 'submit' };
  if (dialog) return key === '?' && place !== 'line' && place !== 'multi' ? { type: 'help' } : NONE;
  if (place === 'multi') return NONE;
  if (place === 'line') {
    if (key === 'Enter') return { type: 'submit' };
    if (key === 'ArrowDown') return { type: 'move', delta: 1 };
    if (key === 'ArrowUp') return { type: 'move', delta: -1 };
    return NONE;
  }
  if (command || press.alt) return NONE;
  switch (key) {
    case 'Enter':
      return place === 'button' ? NONE : { type: 'submit' };
    case 'ArrowDown':
    case ']':
      return { type: 'move', delta: 1 };
    case 'ArrowUp':
    case '[':
      return { type: 'move', delta: -1 };
    case '?':
      return { type: 'help' };
    case 's':
      return { type: 'skip' };
    case 'e':
      return { type: 'edit-output' };
    case 'c':
      return { type: 'comment' };
    case 'i':
      return { type: 'instructions' };
    case 't':
      return { type: 'trace' };
    default: {
      const value = config ? scoreForKey(config, key) : undefined;
      return value === undefined ? NONE : { type: 'score', value };
    }
  }
}

export const MAX_TEXT = 10_000;

/** A draft as the widgets hold it: numbers as typed (a string) until checked. */
export type DraftValue = ScoreValue | undefined;

export type Checked = { ok: true; value: ScoreValue | null } | { ok: false; error: string };

const fmt = (n: number) => String(Number(n.toPrecision(12)));

/** A draft value checked against its config as the API will (docs: "Score values"): the value to
 * send (null: none given), or why not. Every non-text config needs a value. */
export function checkScore(config: ScoreConfig, draft: DraftValue): Checked {
  const empty = draft === undefined || draft === '';
  if (config.kind === 'text') {
    if (empty) return { ok: true, value: null };
    if (typeof draft !== 'string') return { ok: false, error: 'Text expected.' };
    return draft.length > MAX_TEXT ? { ok: false, error: `At most ${MAX_TEXT.toLocaleString()} characters.` } : { ok: true, value: draft };
  }
  if (empty) return { ok: false, error: 'Required.' };
  if (config.kind === 'categorical') {
    return typeof draft === 'string' && config.options.includes(draft)
      ? { ok: true, value: draft }
      : { ok: false, error: `Choose one of ${config.options.join(', ')}.` };
  }
  if (config.kind === 'boolean') return typeof draft === 'boolean' ? { ok: true, value: draft } : { ok: false, error: 'Yes or no.' };
  const text = typeof draft === 'number' ? String(draft) : typeof draft === 'string' ? draft.trim() : '';
  const value = /^-?(\d+\.?\d*|\.\d+)(e-?\d+)?$/i.test(text) ? Number(text) : Number.NaN;
  if (!Number.isFinite(value)) return { ok: false, error: 'A number.' };
  const min = config.min ?? Number.NEGATIVE_INFINITY;
  const max = config.max ?? Number.POSITIVE_INFINITY;
  if (value < min || value > max) return { ok: false, error: `Between ${fmt(min)} and ${fmt(max)}.` };
  const step = config.step ?? 1;
  const steps = (value - (config.min ?? 0)) / step;
  if (Math.abs(steps - Math.round(steps)) > 1e-9) return { ok: false, error: `In steps of ${fmt(step)}.` };
  return { ok: true, value };
}

/** Every config's draft checked: the scores to send, and the errors by config id. */
export function checkScores(
  configs: ScoreConfig[],
  drafts: Record<string, DraftValue>,
): { scores: Record<string, ScoreValue>; errors: Record<string, string> } {
  const scores: Record<string, ScoreValue> = {};
  const errors: Record<string, string> = {};
  for (const config of configs) {
    const key = String(config.id);
    const checked = checkScore(config, drafts[key]);
    if (!checked.ok) errors[key] = checked.error;
    else if (checked.value !== null) scores[key] = checked.value;
  }
  return { scores, errors };
}

/** A score as one short piece of text. */
export function scoreText(value: ScoreValue | undefined | null): string {
  if (value === undefined || value === null || value === '') return '–';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return String(value);
}
