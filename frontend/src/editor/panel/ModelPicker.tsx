/** Model picker fed by the workspace's configured providers, plus the call parameters. */
import type { JsonSchema } from '../../apps/types';
import type { Field } from '../model/schemaForm';
import { useFormEnv } from './formEnv';
import { ObjectFields } from './SchemaForm';

export function ModelPicker({
  id,
  field,
  path,
  value,
  onChange,
  root,
}: {
  id: string;
  field: Extract<Field, { kind: 'model' }>;
  path: string;
  value: unknown;
  onChange: (v: unknown) => void;
  root: JsonSchema;
}) {
  const env = useFormEnv();
  const ref = (value && typeof value === 'object' ? value : {}) as Record<string, unknown>;
  const current = ref.provider && ref.model ? `${String(ref.provider)}::${String(ref.model)}` : '';
  const models = env.models ?? [];
  const known = models.some((m) => `${m.provider}::${m.model}` === current);
  const params = field.fields.filter((f) => f.key !== 'provider' && f.key !== 'model');
  return (
    <div className="model-picker">
      <select
        id={id}
        value={current}
        disabled={env.readOnly}
        onChange={(e) => {
          const [provider, ...rest] = e.target.value.split('::');
          onChange({ ...ref, provider, model: rest.join('::') });
        }}
      >
        {!current && <option value="">Choose a model…</option>}
        {current && !known && (
          <option value={current}>
            {String(ref.provider)} / {String(ref.model)} (not configured here)
          </option>
        )}
        {models.map((m) => (
          <option key={`${m.provider}::${m.model}`} value={`${m.provider}::${m.model}`}>
            {m.label || `${m.provider} / ${m.model}`}
          </option>
        ))}
      </select>
      {env.models === null && <p className="field-help">Loading models…</p>}
      {params.length > 0 && (
        <details className="model-params">
          <summary>Parameters</summary>
          <ObjectFields fields={params} path={path} value={ref} onChange={onChange} root={root} />
        </details>
      )}
    </div>
  );
}
