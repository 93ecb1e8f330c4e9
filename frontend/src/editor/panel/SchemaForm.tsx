/** Renders the fields configFields() derived from a node's config schema, with their widgets. */
import { memo, useId } from 'react';
import type { JsonSchema } from '../../apps/types';
import { defaultValue, type Field } from '../model/schemaForm';
import { ConditionBuilder } from './ConditionBuilder';
import { useFormEnv } from './formEnv';
import { JsonEditor } from './JsonEditor';
import { ModelPicker } from './ModelPicker';
import { PromptLinkField } from './PromptLinkField';
import { TemplateInput } from './TemplateInput';
import { ToolPicker, ToolsPicker } from './ToolPicker';
import { VariableInput } from './VariableInput';

export interface FieldProps {
  field: Field;
  /** Concrete dotted path (array items by index). */
  path: string;
  value: unknown;
  onChange: (value: unknown) => void;
  root: JsonSchema;
  /** Inside a list item: no outer label (the item row has one). */
  bare?: boolean;
}

function FieldIssues({ path }: { path: string }) {
  const env = useFormEnv();
  const issues = env.issuesAt(path);
  if (!issues.length) return null;
  return (
    <ul className="field-issues">
      {issues.map((i, n) => (
        <li key={n}>{i.message}</li>
      ))}
    </ul>
  );
}

export const FieldView = memo(function FieldView({ field, path, value, onChange, root, bare }: FieldProps) {
  const env = useFormEnv();
  const id = useId();
  const ro = env.readOnly;
  const invalid = env.issuesAt(path).length > 0;
  const help = field.description ? <p className="field-help">{field.description}</p> : null;
  const label = (
    <label htmlFor={id} className="field-label">
      {field.label}
      {field.required && <span className="req" aria-hidden="true"> *</span>}
    </label>
  );
  // The condition builder shows its issues per case; listing them again below would repeat them.
  const ownIssues = field.kind !== 'cases';
  const wrap = (control: React.ReactNode, opts: { labelFirst?: boolean } = {}) =>
    bare ? (
      <div className="field bare">
        {control}
        <FieldIssues path={path} />
      </div>
    ) : (
      <div className={`field field-${field.kind} ${invalid ? 'has-issue' : ''}`}>
        {opts.labelFirst !== false && label}
        {control}
        {help}
        {ownIssues && <FieldIssues path={path} />}
      </div>
    );

  switch (field.kind) {
    case 'string':
      return wrap(
        <input
          id={id}
          type="text"
          value={typeof value === 'string' ? value : ''}
          readOnly={ro}
          aria-invalid={invalid || undefined}
          aria-label={bare ? field.label : undefined}
          pattern={field.pattern}
          onChange={(e) => onChange(e.target.value === '' && field.nullable ? null : e.target.value)}
        />,
      );
    case 'template':
      return wrap(
        <TemplateInput
          id={id}
          value={typeof value === 'string' ? value : ''}
          onChange={onChange}
          getVariables={env.getVariables}
          readOnly={ro}
          invalid={invalid}
          rows={field.key === 'url' ? 1 : 4}
          multiline={field.key !== 'url'}
        />,
      );
    case 'variable':
      return wrap(
        <VariableInput
          id={id}
          label={bare ? field.label : undefined}
          value={typeof value === 'string' ? value : ''}
          onChange={onChange}
          getVariables={env.getVariables}
          readOnly={ro}
          invalid={invalid}
        />,
      );
    case 'number':
      return wrap(
        <input
          id={id}
          type="number"
          value={typeof value === 'number' ? value : ''}
          placeholder={field.default !== undefined && field.default !== null ? String(field.default) : field.nullable ? 'default' : ''}
          min={field.min}
          max={field.max}
          step={field.integer ? 1 : 'any'}
          readOnly={ro}
          aria-invalid={invalid || undefined}
          onChange={(e) => {
            const raw = e.target.value;
            if (raw === '') onChange(field.nullable ? null : undefined);
            else onChange(field.integer ? Math.trunc(Number(raw)) : Number(raw));
          }}
        />,
      );
    case 'boolean':
      return bare ? (
        <input type="checkbox" checked={value === true} disabled={ro} aria-label={field.label} onChange={(e) => onChange(e.target.checked)} />
      ) : (
        <div className="field field-boolean">
          <label className="check">
            <input
              type="checkbox"
              checked={value === undefined ? field.default === true : value === true}
              disabled={ro}
              onChange={(e) => onChange(e.target.checked)}
            />
            {field.label}
          </label>
          {help}
          <FieldIssues path={path} />
        </div>
      );
    case 'enum':
      return wrap(
        <select
          id={id}
          value={value === undefined || value === null ? String(field.default ?? '') : String(value)}
          disabled={ro}
          aria-label={bare ? field.label : undefined}
          onChange={(e) => onChange(e.target.value === '' && field.nullable ? null : e.target.value)}
        >
          {(field.nullable || field.default === undefined) && <option value="">—</option>}
          {field.options.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>,
      );
    case 'model':
      return wrap(<ModelPicker id={id} field={field} path={path} value={value} onChange={onChange} root={root} />);
    case 'promptLink':
      return wrap(<PromptLinkField id={id} path={path} value={value} onChange={onChange} />);
    case 'tool':
      return wrap(<ToolPicker id={id} value={typeof value === 'string' ? value : ''} onChange={onChange} />);
    case 'tools':
      return wrap(<ToolsPicker value={Array.isArray(value) ? (value as string[]) : []} onChange={onChange} />);
    case 'cases':
      return wrap(<ConditionBuilder path={path} value={Array.isArray(value) ? value : []} onChange={onChange} />);
    case 'object':
      return (
        <fieldset className="field field-object">
          <legend>{field.label}</legend>
          {help}
          <ObjectFields fields={field.fields} path={path} value={value} onChange={onChange} root={root} />
          <FieldIssues path={path} />
        </fieldset>
      );
    case 'array':
      return wrap(<ArrayEditor field={field} path={path} value={value} onChange={onChange} root={root} />);
    case 'map':
      return wrap(<MapEditor valueKind={field.valueKind} value={value} onChange={onChange} label={field.label} />);
    case 'json':
      return wrap(<JsonEditor id={id} value={value} onChange={onChange} readOnly={ro} label={bare ? field.label : undefined} />);
    default:
      return null;
  }
});

export function ObjectFields({
  fields,
  path,
  value,
  onChange,
  root,
}: {
  fields: Field[];
  path: string;
  value: unknown;
  onChange: (v: unknown) => void;
  root: JsonSchema;
}) {
  const obj = (value && typeof value === 'object' ? value : {}) as Record<string, unknown>;
  return (
    <>
      {fields.map((f) => (
        <FieldView
          key={f.key}
          field={f}
          path={path ? `${path}.${f.key}` : f.key}
          value={obj[f.key]}
          root={root}
          onChange={(v) => {
            const next = { ...obj };
            if (v === undefined) delete next[f.key];
            else next[f.key] = v;
            onChange(next);
          }}
        />
      ))}
    </>
  );
}

function ArrayEditor({ field, path, value, onChange, root }: Omit<FieldProps, 'field'> & { field: Extract<Field, { kind: 'array' }> }) {
  const env = useFormEnv();
  const items = Array.isArray(value) ? value : [];
  const item = field.item;
  const objectItem = item.kind === 'object' || item.kind === 'model';
  const set = (i: number, v: unknown) => onChange(items.map((x, n) => (n === i ? v : x)));
  const move = (i: number, d: number) => {
    const j = i + d;
    if (j < 0 || j >= items.length) return;
    const next = [...items];
    [next[i], next[j]] = [next[j], next[i]];
    onChange(next);
  };
  return (
    <div className="array-editor">
      {items.map((v, i) => (
        <div className={`array-item ${objectItem ? 'ed-card' : ''}`} key={i}>
          <div className="array-item-body">
            {objectItem && item.kind === 'object' ? (
              <ObjectFields fields={item.fields} path={`${path}.${i}`} value={v} onChange={(nv) => set(i, nv)} root={root} />
            ) : (
              <FieldView field={{ ...item, label: `${field.label} ${i + 1}` }} path={`${path}.${i}`} value={v} onChange={(nv) => set(i, nv)} root={root} bare />
            )}
          </div>
          {!env.readOnly && (
            <div className="array-item-actions">
              <button type="button" className="icon-btn" onClick={() => move(i, -1)} disabled={i === 0} aria-label={`Move ${field.label} ${i + 1} up`} title="Move up">
                ↑
              </button>
              <button type="button" className="icon-btn" onClick={() => move(i, 1)} disabled={i === items.length - 1} aria-label={`Move ${field.label} ${i + 1} down`} title="Move down">
                ↓
              </button>
              <button
                type="button"
                className="icon-btn danger"
                onClick={() => onChange(items.filter((_, n) => n !== i))}
                disabled={items.length <= field.minItems}
                aria-label={`Remove ${field.label} ${i + 1}`}
                title="Remove"
              >
                ×
              </button>
            </div>
          )}
        </div>
      ))}
      {!env.readOnly && (
        <button type="button" className="button-small" onClick={() => onChange([...items, defaultValue(field.itemSchema, root)])}>
          + Add {field.label.toLowerCase().replace(/s$/, '')}
        </button>
      )}
    </div>
  );
}

function MapEditor({
  valueKind,
  value,
  onChange,
  label,
}: {
  valueKind: 'string' | 'variable' | 'template';
  value: unknown;
  onChange: (v: unknown) => void;
  label: string;
}) {
  const env = useFormEnv();
  const entries = Object.entries((value && typeof value === 'object' ? value : {}) as Record<string, string>);
  const write = (list: [string, string][]) => onChange(Object.fromEntries(list));
  return (
    <div className="map-editor">
      {entries.map(([k, v], i) => (
        <div className="map-row" key={i}>
          <input
            type="text"
            aria-label={`${label} name ${i + 1}`}
            value={k}
            readOnly={env.readOnly}
            placeholder="name"
            onChange={(e) => write(entries.map((en, n) => (n === i ? [e.target.value, en[1]] : en)))}
          />
          {valueKind === 'variable' ? (
            <VariableInput
              label={`${label} value ${i + 1}`}
              value={v}
              onChange={(nv) => write(entries.map((en, n) => (n === i ? [en[0], nv] : en)))}
              getVariables={env.getVariables}
              readOnly={env.readOnly}
            />
          ) : (
            <TemplateInput
              multiline={false}
              value={v}
              onChange={(nv) => write(entries.map((en, n) => (n === i ? [en[0], nv] : en)))}
              getVariables={env.getVariables}
              readOnly={env.readOnly}
              placeholder="value"
            />
          )}
          {!env.readOnly && (
            <button type="button" className="icon-btn danger" aria-label={`Remove ${label} ${k || i + 1}`} onClick={() => write(entries.filter((_, n) => n !== i))}>
              ×
            </button>
          )}
        </div>
      ))}
      {!env.readOnly && (
        <button
          type="button"
          className="button-small"
          onClick={() => {
            let n = entries.length + 1;
            while (entries.some(([k]) => k === `key_${n}`)) n += 1;
            write([...entries, [entries.length === 0 && valueKind === 'variable' ? 'answer' : `key_${n}`, '']]);
          }}
        >
          + Add entry
        </button>
      )}
    </div>
  );
}
