/** A run's inputs as the run form shows them: the text a builder would have typed for each. */
import type { AppInput } from '../../apps/types';
import type { FormValues } from './useRunValues';

/** The form text of one typed input value (the inverse of RunPanel's coerceInput). */
export function inputText(type: AppInput['type'], value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (type === 'object' || type === 'array' || typeof value === 'object') return JSON.stringify(value, null, 2);
  return String(value);
}

/** The form values of a run's inputs, one per input of the form (a missing one is empty). */
export function formValuesOf(inputs: readonly Pick<AppInput, 'name' | 'type'>[], runInputs: Record<string, unknown>): FormValues {
  return Object.fromEntries(inputs.map((i) => [i.name, inputText(i.type, runInputs[i.name])]));
}
