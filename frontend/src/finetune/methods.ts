/** What each method trains and which of the settings it reads; the settings as a form holds them
 * (text) and as the API takes them (only the chosen method's, each of its own kind). */
import type { MethodSettings, SettingName, SettingsDefaults, TuneMethod } from './types';

/** The settings each method reads, in the order the form shows them. */
export const METHOD_SETTINGS: Record<TuneMethod, readonly SettingName[]> = {
  lora: ['r', 'alpha', 'dropout', 'target_modules'],
  ia3: [],
  prefix: ['virtual_tokens'],
  prompt: ['virtual_tokens'],
  p_tuning: ['virtual_tokens', 'encoder_hidden_size'],
  adapter: ['adapter_len', 'adapter_layers'],
};

/** The labels the server gives (used where the catalog is not loaded: the list, a job's page). */
export const METHOD_LABELS: Record<TuneMethod, string> = {
  lora: 'LoRA',
  ia3: 'IA3',
  prefix: 'Prefix tuning',
  prompt: 'Prompt tuning',
  p_tuning: 'P-tuning',
  adapter: 'Adapter tuning (LLaMA-Adapter)',
};

export const methodLabel = (method: string) => METHOD_LABELS[method as TuneMethod] ?? method;

/** Only these methods' weights fold into the base model's (a merged model needs no adapter). */
export const MERGEABLE: readonly TuneMethod[] = ['lora', 'ia3'];
export const canMerge = (method: string) => MERGEABLE.includes(method as TuneMethod);

interface SettingField {
  label: string;
  hint: string;
  kind: 'int' | 'float' | 'list';
  step?: string;
}

export const SETTING_FIELDS: Record<SettingName, SettingField> = {
  r: { label: 'Rank r', hint: 'Size of the low-rank update; higher learns more and trains more weights.', kind: 'int' },
  alpha: { label: 'Alpha', hint: 'Scale of the update (often twice r).', kind: 'int' },
  dropout: { label: 'Dropout', hint: 'Share of the update dropped while training, from 0 to below 1.', kind: 'float', step: '0.01' },
  target_modules: { label: 'Target modules', hint: 'The linear layers that get an update, comma-separated.', kind: 'list' },
  virtual_tokens: { label: 'Virtual tokens', hint: 'How many trained tokens are put before the input.', kind: 'int' },
  encoder_hidden_size: { label: 'Encoder hidden size', hint: "Width of the MLP that produces the virtual tokens.", kind: 'int' },
  adapter_len: { label: 'Adapter length', hint: 'Trained prompt length per adapted layer.', kind: 'int' },
  adapter_layers: { label: 'Adapted layers', hint: 'How many of the top layers get a trained prompt.', kind: 'int' },
};

/** The settings form's values: every setting as text. */
export type SettingsDraft = Record<SettingName, string>;

export function draftOf(defaults: SettingsDefaults): SettingsDraft {
  return Object.fromEntries(
    (Object.keys(SETTING_FIELDS) as SettingName[]).map((name) => {
      const value = defaults[name];
      return [name, Array.isArray(value) ? value.join(', ') : String(value ?? '')];
    }),
  ) as SettingsDraft;
}

/** The chosen method's settings as the API takes them: numbers as numbers, the module list as a
 * list. A value that is not a number is sent as typed, for the server to name the setting. */
export function methodSettingsFor(method: TuneMethod, draft: SettingsDraft): MethodSettings {
  const settings: MethodSettings = {};
  for (const name of METHOD_SETTINGS[method]) {
    const text = (draft[name] ?? '').trim();
    if (SETTING_FIELDS[name].kind === 'list') {
      settings[name] = text.split(/[\s,]+/).filter(Boolean);
    } else {
      const number = Number(text);
      settings[name] = text !== '' && Number.isFinite(number) ? number : text;
    }
  }
  return settings;
}

/** 460000 → "460k", 134515008 → "135M", 1234 → "1.2k". */
export function compactCount(n: number): string {
  const units: [number, string][] = [
    [1e9, 'B'],
    [1e6, 'M'],
    [1e3, 'k'],
  ];
  for (const [size, unit] of units) {
    if (n >= size) {
      const value = n / size;
      return `${value >= 10 ? Math.round(value) : Math.round(value * 10) / 10}${unit}`;
    }
  }
  return String(n);
}

/** A share in percent with the precision it needs: 0.34 → "0.3", 12.5 → "13", 0.0123 → "0.012". */
export function sharePercent(part: number, whole: number): string {
  const share = (part / whole) * 100;
  if (share >= 10) return String(Math.round(share));
  if (share >= 0.1) return String(Math.round(share * 10) / 10);
  return String(Number(share.toPrecision(2)));
}

/** "≈ 460k trainable parameters (0.3 % of 135M)"; without the total, the count alone. */
export function trainableText(trainable: number | null | undefined, total: number | null | undefined): string {
  if (trainable === null || trainable === undefined) return '';
  const count = `≈ ${compactCount(trainable)} trainable parameters`;
  return total ? `${count} (${sharePercent(trainable, total)} % of ${compactCount(total)})` : count;
}

/** A fine-tune's name is a slug (it becomes the model's name, base+name). */
export function slugOf(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48);
}

/** A free name for `stem` among `taken`: stem, stem-2, stem-3, … */
export function freeName(stem: string, taken: ReadonlySet<string>): string {
  if (!taken.has(stem)) return stem;
  for (let i = 2; ; i += 1) if (!taken.has(`${stem}-${i}`)) return `${stem}-${i}`;
}
