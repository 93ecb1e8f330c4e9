/** The app's other inputs (besides the message) as typed in the chat's fields → the JSON the
 * app expects, or the first problem to show. */
import type { ChatInput } from './client';

export type InputValues = { values: Record<string, unknown>; problem: null } | { values: null; problem: string };

export function inputValues(declared: ChatInput[], typed: Record<string, string>): InputValues {
  const values: Record<string, unknown> = {};
  for (const input of declared) {
    const raw = (typed[input.name] ?? '').trim();
    if (input.type === 'boolean') {
      const untouched = !raw && input.default !== null && input.default !== undefined;
      if (!untouched) values[input.name] = raw === 'true'; // untouched: the app's default applies
      continue;
    }
    if (!raw) {
      if (input.required && (input.default === null || input.default === undefined)) {
        return { values: null, problem: `Fill in ${input.name} first.` };
      }
      continue; // the app's default applies
    }
    if (input.type === 'number') {
      const n = Number(raw);
      if (!Number.isFinite(n)) return { values: null, problem: `${input.name} must be a number.` };
      values[input.name] = n;
    } else if (input.type === 'object' || input.type === 'array') {
      try {
        const parsed: unknown = JSON.parse(raw);
        const ok = input.type === 'array' ? Array.isArray(parsed) : typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed);
        if (!ok) throw new Error('wrong type');
        values[input.name] = parsed;
      } catch {
        return { values: null, problem: `${input.name} must be JSON (${input.type === 'array' ? 'a list such as ["a", "b"]' : 'an object such as {"key": "value"}'}).` };
      }
    } else {
      values[input.name] = raw;
    }
  }
  return { values, problem: null };
}
