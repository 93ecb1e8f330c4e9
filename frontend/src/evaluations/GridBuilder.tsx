/** A parameter grid: each variable gets a list of values (one per line; numbers stay numbers);
 * the rows are every combination or a seeded sample; derived fields are templates over a row;
 * one variable can name the task. The preview shows the count and the first rows first. */
import { useState } from 'react';
import { Link } from 'react-router';
import { ErrorNotice } from '../components/ErrorNotice';
import { useSession } from '../session';
import { previewGrid } from './api';
import { display } from './parts';
import type { GridSpec, Row } from './types';

interface VariableDraft {
  name: string;
  values: string;
}

const parseValue = (line: string): unknown => (/^-?\d+(\.\d+)?$/.test(line.trim()) ? Number(line.trim()) : line);

export function gridOf(variables: VariableDraft[], mode: GridSpec['mode'], size: number, seed: number,
  derived: { name: string; template: string }[], task: string): GridSpec {
  return {
    variables: variables
      .filter((v) => v.name.trim())
      .map((v) => ({ name: v.name.trim(), values: v.values.split('\n').filter((l) => l.trim()).map(parseValue) })),
    mode,
    sample_size: mode === 'sample' ? size : null,
    seed,
    derived: Object.fromEntries(derived.filter((d) => d.name.trim()).map((d) => [d.name.trim(), d.template])),
    task_variable: task || null,
  };
}

export function GridBuilder({ onCreate }: { onCreate: (grid: GridSpec, replace: boolean) => Promise<unknown> }) {
  const { workspaceId } = useSession();
  const [variables, setVariables] = useState<VariableDraft[]>([{ name: '', values: '' }]);
  const [mode, setMode] = useState<GridSpec['mode']>('product');
  const [size, setSize] = useState(100);
  const [seed, setSeed] = useState(0);
  const [derived, setDerived] = useState<{ name: string; template: string }[]>([]);
  const [task, setTask] = useState('');
  const [preview, setPreview] = useState<{ row_count: number; rows: Row[] } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const grid = gridOf(variables, mode, size, seed, derived, task);
  const update = (i: number, patch: Partial<VariableDraft>) => {
    setPreview(null);
    setVariables((vs) => vs.map((v, j) => (j === i ? { ...v, ...patch } : v)));
  };

  return (
    <div className="grid-builder" aria-label="Parameter grid">
      <div className="grid-variables">
        {variables.map((v, i) => (
          <fieldset key={i} className="grid-variable">
            <legend className="sr-only">Variable {i + 1}</legend>
            <input aria-label={`Variable ${i + 1} name`} placeholder="name, e.g. role" value={v.name} onChange={(e) => update(i, { name: e.target.value })} />
            <textarea
              aria-label={`Variable ${i + 1} values`}
              placeholder={'one value per line\nteacher\nnurse'}
              rows={4}
              value={v.values}
              onChange={(e) => update(i, { values: e.target.value })}
            />
            <button type="button" className="button-small button-quiet" onClick={() => setVariables((vs) => vs.filter((_, j) => j !== i))}>
              Remove
            </button>
          </fieldset>
        ))}
        <button type="button" className="button-small" onClick={() => setVariables((vs) => [...vs, { name: '', values: '' }])}>
          Add variable
        </button>
      </div>
      <div className="grid-options">
        <label>
          Rows
          <select aria-label="Rows" value={mode} onChange={(e) => { setMode(e.target.value as GridSpec['mode']); setPreview(null); }}>
            <option value="product">every combination</option>
            <option value="sample">a random sample</option>
          </select>
        </label>
        {mode === 'sample' && (
          <>
            <label>
              Sample size
              <input type="number" min={1} value={size} onChange={(e) => { setSize(Number(e.target.value)); setPreview(null); }} />
            </label>
            <label>
              Seed
              <input type="number" value={seed} onChange={(e) => { setSeed(Number(e.target.value)); setPreview(null); }} />
            </label>
          </>
        )}
        <label>
          Task
          <select aria-label="Task variable" value={task} onChange={(e) => { setTask(e.target.value); setPreview(null); }}>
            <option value="">no task tag</option>
            {grid.variables.map((v) => (
              <option key={v.name} value={v.name}>
                {v.name}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="grid-derived">
        {derived.map((d, i) => (
          <div key={i} className="inline-form">
            <input aria-label={`Derived field ${i + 1} name`} placeholder="question" value={d.name}
              onChange={(e) => setDerived((ds) => ds.map((x, j) => (j === i ? { ...x, name: e.target.value } : x)))} />
            <input aria-label={`Derived field ${i + 1} template`} className="grow" placeholder="As a {{ role }}, ask about {{ field }}" value={d.template}
              onChange={(e) => setDerived((ds) => ds.map((x, j) => (j === i ? { ...x, template: e.target.value } : x)))} />
          </div>
        ))}
        <button type="button" className="button-small button-quiet" onClick={() => setDerived((ds) => [...ds, { name: '', template: '' }])}>
          Add a derived field
        </button>
      </div>
      {error !== null && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
      <div className="form-actions">
        <button type="button" onClick={() => previewGrid(workspaceId, grid).then(setPreview).catch(setError)} disabled={!grid.variables.length}>
          Preview
        </button>
        {preview && (
          <>
            <button type="button" className="button-primary" onClick={() => onCreate(grid, false).catch(setError)}>
              Add {preview.row_count} rows
            </button>
            <button type="button" onClick={() => onCreate(grid, true).catch(setError)}>
              Replace the rows with these {preview.row_count}
            </button>
          </>
        )}
      </div>
      {preview && (
        <div data-testid="grid-preview">
          <p>
            <strong>{preview.row_count}</strong> rows. The first {preview.rows.length}:
          </p>
          <RowsTable rows={preview.rows} />
        </div>
      )}
    </div>
  );
}

/** Rows as a table; rows taken from runs (a review queue's export) link to the run they came from. */
export function RowsTable({ rows, label = 'Rows' }: { rows: Row[]; label?: string }) {
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r.inputs)))];
  const fromRuns = rows.some((r) => r.source_run_id);
  return (
    <div className="rows-scroll">
      <table className="prompt-table rows-table" aria-label={label}>
        <thead>
          <tr>
            <th>#</th>
            {columns.map((c) => (
              <th key={c}>{c}</th>
            ))}
            <th>expected</th>
            <th>tags</th>
            {fromRuns && <th>source</th>}
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={r.position ?? i}>
              <td className="muted">{(r.position ?? i) + 1}</td>
              {columns.map((c) => (
                <td key={c}>{display(r.inputs[c])}</td>
              ))}
              <td>{r.expected ?? <span className="muted">–</span>}</td>
              <td>
                {r.tags.map((t) => (
                  <span key={t} className="chip">
                    {t}
                  </span>
                ))}
              </td>
              {fromRuns && (
                <td>
                  {r.source_run_id ? (
                    <Link to={`/runs/${r.source_run_id}`} title="The run this row was taken from">
                      run {r.source_run_id.slice(0, 8)}
                    </Link>
                  ) : (
                    <span className="muted">–</span>
                  )}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
