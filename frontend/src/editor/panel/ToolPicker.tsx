/** Tool pickers fed by the workspace's registered tools. */
import { useFormEnv } from './formEnv';

export function ToolPicker({ id, value, onChange }: { id: string; value: string; onChange: (v: unknown) => void }) {
  const env = useFormEnv();
  const tools = env.tools ?? [];
  const known = tools.some((t) => t.name === value);
  const desc = tools.find((t) => t.name === value)?.description;
  return (
    <>
      <select id={id} value={value} disabled={env.readOnly} onChange={(e) => onChange(e.target.value)}>
        <option value="">Choose a tool…</option>
        {value && !known && <option value={value}>{value} (not registered)</option>}
        {tools.map((t) => (
          <option key={t.name} value={t.name} title={t.description}>
            {t.name}
          </option>
        ))}
      </select>
      {desc && <p className="field-help">{desc}</p>}
    </>
  );
}

export function ToolsPicker({ value, onChange }: { value: string[]; onChange: (v: unknown) => void }) {
  const env = useFormEnv();
  const tools = env.tools ?? [];
  const unknown = value.filter((v) => !tools.some((t) => t.name === v));
  if (env.tools === null) return <p className="field-help">Loading tools…</p>;
  if (!tools.length && !unknown.length) return <p className="field-help">No tools are registered in this workspace.</p>;
  const toggle = (name: string, on: boolean) => onChange(on ? [...value, name] : value.filter((v) => v !== name));
  return (
    <ul className="tool-list">
      {[...tools.map((t) => ({ name: t.name, description: t.description })), ...unknown.map((n) => ({ name: n, description: 'Not registered here.' }))].map((t) => (
        <li key={t.name}>
          <label className="check">
            <input type="checkbox" checked={value.includes(t.name)} disabled={env.readOnly} onChange={(e) => toggle(t.name, e.target.checked)} />
            <span>
              <strong>{t.name}</strong>
              {t.description && <span className="muted"> — {t.description}</span>}
            </span>
          </label>
        </li>
      ))}
    </ul>
  );
}
