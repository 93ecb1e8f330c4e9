/** The variables' values, as a form generated from their declared types. Each value is kept as
 * typed text and converted on send (`valuesFor`), so that a dataset row can later fill the same
 * form. A draft's variables can be declared here too. */
import type { PromptVariable } from '../prompts/types';

/** The values to send: numbers as numbers, booleans as booleans, JSON parsed; empty ones left out
 * (the declared default applies). */
export function valuesFor(variables: PromptVariable[], values: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const v of variables) {
    const raw = values[v.name];
    if (raw === undefined || raw === '') continue;
    if (v.type === 'number') out[v.name] = Number(raw);
    else if (v.type === 'boolean') out[v.name] = raw === 'true';
    else if (v.type === 'json') {
      try {
        out[v.name] = JSON.parse(raw);
      } catch {
        out[v.name] = raw;
      }
    } else out[v.name] = raw;
  }
  return out;
}

export function VariableForm({
  variables,
  values,
  onChange,
  editable,
  onDeclare,
}: {
  variables: PromptVariable[];
  values: Record<string, string>;
  onChange: (values: Record<string, string>) => void;
  editable: boolean;
  onDeclare: (variables: PromptVariable[]) => void;
}) {
  const set = (name: string, value: string) => onChange({ ...values, [name]: value });
  return (
    <div className="pg-variables">
      {variables.length === 0 && <p className="muted small">No variables.</p>}
      {variables.map((v, i) => {
        const id = `pg-var-${v.name}`;
        const placeholder = v.default === undefined || v.default === null ? '' : String(v.default);
        return (
          <div className="field" key={`${i}-${v.name}`}>
            <label htmlFor={id} className="field-label">
              {editable ? (
                <input
                  aria-label={`Name of variable ${i + 1}`}
                  value={v.name}
                  onChange={(e) => onDeclare(variables.map((x, n) => (n === i ? { ...x, name: e.target.value } : x)))}
                />
              ) : (
                <code>{v.name}</code>
              )}{' '}
              <span className="muted small">{v.type}</span>
            </label>
            {v.type === 'boolean' ? (
              <select id={id} value={values[v.name] ?? ''} onChange={(e) => set(v.name, e.target.value)}>
                <option value="">{placeholder ? `default (${placeholder})` : '—'}</option>
                <option value="true">true</option>
                <option value="false">false</option>
              </select>
            ) : v.type === 'choice' ? (
              <select id={id} value={values[v.name] ?? ''} onChange={(e) => set(v.name, e.target.value)}>
                <option value="">{placeholder ? `default (${placeholder})` : '—'}</option>
                {(v.choices ?? []).map((c) => (
                  <option key={c}>{c}</option>
                ))}
              </select>
            ) : v.type === 'number' ? (
              <input id={id} type="number" value={values[v.name] ?? ''} placeholder={placeholder} onChange={(e) => set(v.name, e.target.value)} />
            ) : (
              <textarea id={id} rows={v.type === 'json' ? 3 : 2} value={values[v.name] ?? ''} placeholder={placeholder} onChange={(e) => set(v.name, e.target.value)} />
            )}
            {v.description && <p className="field-help">{v.description}</p>}
          </div>
        );
      })}
      {editable && (
        <button type="button" className="button-small" onClick={() => onDeclare([...variables, { name: `var${variables.length + 1}`, type: 'text' }])}>
          + Variable
        </button>
      )}
    </div>
  );
}
