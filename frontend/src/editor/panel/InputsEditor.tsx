/** The app's inputs (graph.inputs), edited on the start node's panel. */
import type { AppInput, VariableType } from '../../apps/types';

const TYPES: VariableType[] = ['string', 'number', 'boolean', 'object', 'array'];

function nextName(inputs: AppInput[]): string {
  if (!inputs.some((i) => i.name === 'question')) return 'question';
  let n = inputs.length + 1;
  while (inputs.some((i) => i.name === `input_${n}`)) n += 1;
  return `input_${n}`;
}

export function InputsEditor({
  inputs,
  onChange,
  readOnly,
}: {
  inputs: AppInput[];
  onChange: (inputs: AppInput[], coalesceKey?: string) => void;
  readOnly: boolean;
}) {
  const set = (i: number, patch: Partial<AppInput>, key: string) =>
    onChange(inputs.map((x, n) => (n === i ? { ...x, ...patch } : x)), `inputs:${i}:${key}`);
  return (
    <section className="inputs-editor" aria-labelledby="inputs-title">
      <h3 id="inputs-title">App inputs</h3>
      <p className="field-help">What a run asks for. Reference them as <code>{'{{ inputs.name }}'}</code>.</p>
      {inputs.length === 0 && <p className="muted">No inputs yet.</p>}
      {inputs.map((input, i) => (
        <div className="input-row ed-card" key={i}>
          <div className="input-row-main">
            <input
              type="text"
              aria-label={`Input ${i + 1} name`}
              value={input.name}
              readOnly={readOnly}
              onChange={(e) => set(i, { name: e.target.value }, 'name')}
            />
            <select aria-label={`Input ${i + 1} type`} value={input.type} disabled={readOnly} onChange={(e) => set(i, { type: e.target.value as VariableType }, 'type')}>
              {TYPES.map((t) => (
                <option key={t} value={t}>
                  {t}
                </option>
              ))}
            </select>
            <label className="check small">
              <input type="checkbox" checked={input.required} disabled={readOnly} onChange={(e) => set(i, { required: e.target.checked }, 'req')} />
              required
            </label>
            {!readOnly && (
              <button type="button" className="icon-btn danger" aria-label={`Remove input ${input.name || i + 1}`} onClick={() => onChange(inputs.filter((_, n) => n !== i))}>
                ×
              </button>
            )}
          </div>
          <input
            type="text"
            aria-label={`Input ${i + 1} description`}
            placeholder="Description (shown in the run form)"
            value={input.description ?? ''}
            readOnly={readOnly}
            onChange={(e) => set(i, { description: e.target.value }, 'desc')}
          />
        </div>
      ))}
      {!readOnly && (
        <button
          type="button"
          className="button-small"
          onClick={() => onChange([...inputs, { name: nextName(inputs), type: 'string', default: null, description: '', required: true }])}
        >
          + Add input
        </button>
      )}
    </section>
  );
}
