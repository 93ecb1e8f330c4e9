/** One dataset: its versions (each kept as it was), the rows of the one chosen (edited in place,
 * saved as the next version), and ways to add rows — a file (CSV, JSONL, XLSX) with a column
 * mapping previewed first, a parameter grid, or by hand. Every change makes a new version;
 * experiments keep the version they ran on. */
import { useCallback, useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { isAbortError } from '../api/client';
import { ErrorNotice } from '../components/ErrorNotice';
import { canBuild } from '../prompts/parts';
import { useSession } from '../session';
import { addVersion, exportRowsUrl, getDataset, listExperiments, listRows, uploadRows } from './api';
import './evaluations.css';
import { FillColumn } from './FillColumn';
import { GridBuilder, RowsTable } from './GridBuilder';
import { ProgressBar, StatusChip } from './parts';
import { RowsEditor } from './RowsEditor';
import type { DatasetDetail, Experiment, FilePreview, Row } from './types';

type Adding = 'file' | 'grid' | 'hand' | 'fill' | null;
/** The rows page holds at most this many: a version is edited in place only when it is whole. */
const MAX_EDITABLE_ROWS = 500;

export function DatasetPage() {
  const { datasetId = '' } = useParams();
  const { workspaceId, role } = useSession();
  const [dataset, setDataset] = useState<DatasetDetail | null>(null);
  const [number, setNumber] = useState<number | null>(null);
  const [tag, setTag] = useState('');
  const [rows, setRows] = useState<Row[] | null>(null);
  const [experiments, setExperiments] = useState<Experiment[]>([]);
  const [adding, setAdding] = useState<Adding>(null);
  const [editing, setEditing] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const editable = canBuild(role);

  const load = useCallback(
    (signal?: AbortSignal) =>
      getDataset(workspaceId, datasetId, signal)
        .then((d) => {
          setDataset(d);
          setNumber(d.latest_version);
        })
        .catch((e: unknown) => {
          if (!isAbortError(e)) setError(e);
        }),
    [workspaceId, datasetId],
  );
  useEffect(() => {
    const controller = new AbortController();
    void load(controller.signal);
    listExperiments(workspaceId, Number(datasetId), controller.signal)
      .then((page) => setExperiments(page.results))
      .catch(() => setExperiments([]));
    return () => controller.abort();
  }, [load, workspaceId, datasetId]);

  useEffect(() => {
    if (number === null) {
      setRows([]);
      return undefined;
    }
    const controller = new AbortController();
    listRows(workspaceId, datasetId, number, tag, controller.signal)
      .then((page) => setRows(page.results))
      .catch((e: unknown) => {
        if (!isAbortError(e)) setError(e);
      });
    return () => controller.abort();
  }, [workspaceId, datasetId, number, tag]);

  const added = () => {
    setAdding(null);
    setTag('');
    return load();
  };
  if (dataset === null) return <section className="page">{error !== null ? <ErrorNotice error={error} /> : <p className="muted">Loading…</p>}</section>;
  const version = dataset.versions.find((v) => v.number === number) ?? null;

  return (
    <section className="page dataset-page" aria-labelledby="page-title">
      <p className="breadcrumbs">
        <Link to="/evaluations">Evaluations</Link> / Datasets
      </p>
      <header className="prompts-header">
        <div>
          <h1 id="page-title">{dataset.name}</h1>
          <p className="muted">
            {version ? `${version.row_count} rows in v${version.number}` : 'No rows yet'} · {dataset.version_count} version(s)
          </p>
        </div>
        <div className="prompts-actions">
          {version && (
            <>
              <a className="button" href={exportRowsUrl(workspaceId, dataset.id, version.number, 'csv')}>
                Export CSV
              </a>
              <a className="button" href={exportRowsUrl(workspaceId, dataset.id, version.number, 'jsonl')}>
                Export JSONL
              </a>
              {editable && (
                <>
                  <Link className="button" to={`/finetune/new?dataset=${dataset.id}`} title="Train a model on this dataset's expected outputs">
                    Fine-tune on this
                  </Link>
                  <Link className="button button-primary" to={`/evaluations/experiments/new?dataset=${dataset.id}`}>
                    Run an experiment
                  </Link>
                </>
              )}
            </>
          )}
        </div>
      </header>
      {error !== null && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
      {editable && (
        <div className="tabs" role="tablist" aria-label="Add rows">
          {(
            [
              ['file', 'Upload a file'],
              ['grid', 'Generate from a grid'],
              ['hand', 'Add a row'],
              ...(version ? ([['fill', 'Fill a column with a model']] as const) : []),
            ] as const
          ).map(([key, label]) => (
            <button key={key} type="button" role="tab" aria-selected={adding === key} onClick={() => setAdding(adding === key ? null : key)}>
              {label}
            </button>
          ))}
        </div>
      )}
      {adding === 'file' && <FileImport datasetId={dataset.id} onDone={added} />}
      {adding === 'grid' && (
        <div className="panel">
          <GridBuilder onCreate={(grid, replace) => addVersion(workspaceId, dataset.id, { grid }, replace ? 'replace' : 'append').then(added)} />
        </div>
      )}
      {adding === 'fill' && version && <FillColumn datasetId={dataset.id} columns={version.columns} onDone={added} />}
      {adding === 'hand' && <RowForm columns={version?.columns ?? []} onAdd={(row) => addVersion(workspaceId, dataset.id, { rows: [row] }).then(added)} />}
      <div className="dataset-layout">
        <aside className="version-list" aria-label="Versions">
          <h2>Versions</h2>
          <ul>
            {dataset.versions.map((v) => (
              <li key={v.id}>
                <button type="button" className={`version-item ${v.number === number ? 'active' : ''}`} onClick={() => setNumber(v.number)}>
                  <strong>v{v.number}</strong> · {v.row_count} rows
                  <span className="muted">{v.note}</span>
                </button>
              </li>
            ))}
          </ul>
          {experiments.length > 0 && (
            <>
              <h2>Experiments</h2>
              <ul className="experiment-links">
                {experiments.map((x) => (
                  <li key={x.id}>
                    <Link to={`/evaluations/experiments/${x.id}`}>{x.name}</Link> <StatusChip status={x.status} />
                    <ProgressBar done={x.cells_done} total={x.cells_total} />
                  </li>
                ))}
              </ul>
            </>
          )}
        </aside>
        <div className="version-main">
          {version && version.tags.length > 0 && (
            <label className="compare-select">
              Task
              <select aria-label="Task filter" value={tag} onChange={(e) => setTag(e.target.value)}>
                <option value="">all</option>
                {version.tags.map((t) => (
                  <option key={t}>{t}</option>
                ))}
              </select>
            </label>
          )}
          {editing && rows ? (
            <RowsEditor
              rows={rows}
              onCancel={() => setEditing(false)}
              onSave={(edited) =>
                addVersion(workspaceId, dataset.id, { rows: edited }, 'replace', `Edited v${version?.number ?? ''} by hand`).then(() => {
                  setEditing(false);
                  return added();
                })
              }
            />
          ) : rows === null ? (
            <p className="muted">Loading…</p>
          ) : rows.length ? (
            <>
              {editable && !tag && version && (
                <p>
                  {version.row_count <= MAX_EDITABLE_ROWS ? (
                    <button type="button" className="button-small" onClick={() => setEditing(true)}>
                      Edit rows
                    </button>
                  ) : (
                    <span className="muted">Versions of more than {MAX_EDITABLE_ROWS} rows are edited through an export and an upload.</span>
                  )}
                </p>
              )}
              <RowsTable rows={rows} />
            </>
          ) : (
            <p className="muted">No rows.</p>
          )}
        </div>
      </div>
    </section>
  );
}

function FileImport({ datasetId, onDone }: { datasetId: number; onDone: () => Promise<unknown> }) {
  const { workspaceId } = useSession();
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<FilePreview | null>(null);
  const [mapping, setMapping] = useState<FilePreview['mapping'] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const choose = (chosen: File | undefined) => {
    if (!chosen) return;
    setFile(chosen);
    uploadRows(workspaceId, datasetId, chosen, { preview: true })
      .then((p) => {
        setPreview(p as FilePreview);
        setMapping((p as FilePreview).mapping);
      })
      .catch(setError);
  };
  const remap = (next: FilePreview['mapping']) => {
    setMapping(next);
    if (file) uploadRows(workspaceId, datasetId, file, { preview: true, mapping: next }).then((p) => setPreview(p as FilePreview)).catch(setError);
  };
  const role = (column: string) =>
    mapping?.expected === column ? 'expected' : mapping?.tags === column ? 'tags' : mapping?.inputs.includes(column) ? 'input' : 'skip';
  const setRole = (column: string, value: string) => {
    if (!mapping) return;
    const base = {
      inputs: mapping.inputs.filter((c) => c !== column),
      expected: mapping.expected === column ? null : mapping.expected,
      tags: mapping.tags === column ? null : mapping.tags,
    };
    if (value === 'input') base.inputs.push(column);
    if (value === 'expected') base.expected = column;
    if (value === 'tags') base.tags = column;
    remap(base);
  };
  return (
    <div className="panel" aria-label="Upload a file">
      <label>
        CSV, JSONL or XLSX file{' '}
        <input type="file" accept=".csv,.jsonl,.json,.ndjson,.xlsx" onChange={(e) => choose(e.target.files?.[0])} />
      </label>
      {error !== null && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
      {preview && mapping && file && (
        <>
          <table className="prompt-table mapping-table" aria-label="Column mapping">
            <thead>
              <tr>
                <th>Column</th>
                <th>Use as</th>
              </tr>
            </thead>
            <tbody>
              {preview.columns.map((c) => (
                <tr key={c}>
                  <td>
                    <code>{c}</code>
                  </td>
                  <td>
                    <select aria-label={`Use of column ${c}`} value={role(c)} onChange={(e) => setRole(c, e.target.value)}>
                      <option value="input">an input</option>
                      <option value="expected">the expected output</option>
                      <option value="tags">tags (task)</option>
                      <option value="skip">not used</option>
                    </select>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <p>
            <strong>{preview.row_count}</strong> rows. The first {preview.rows.length}, as they will be stored:
          </p>
          <RowsTable rows={preview.rows} label="Preview" />
          <div className="form-actions">
            <button type="button" className="button-primary" onClick={() => uploadRows(workspaceId, datasetId, file, { preview: false, mapping, mode: 'append' }).then(onDone).catch(setError)}>
              Add {preview.row_count} rows
            </button>
            <button type="button" onClick={() => uploadRows(workspaceId, datasetId, file, { preview: false, mapping, mode: 'replace' }).then(onDone).catch(setError)}>
              Replace the rows
            </button>
          </div>
        </>
      )}
    </div>
  );
}

function RowForm({ columns, onAdd }: { columns: string[]; onAdd: (row: Row) => Promise<unknown> }) {
  const [values, setValues] = useState<Record<string, string>>({});
  const [extra, setExtra] = useState('');
  const [expected, setExpected] = useState('');
  const [tags, setTags] = useState('');
  const [error, setError] = useState<unknown>(null);
  const names = [...columns, ...(extra.trim() ? [extra.trim()] : [])];
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    const inputs = Object.fromEntries(names.map((n) => [n, values[n] ?? '']).filter(([, v]) => v !== ''));
    onAdd({ inputs, expected: expected || null, tags: tags.split(';').map((t) => t.trim()).filter(Boolean) })
      .then(() => setValues({}))
      .catch(setError);
  };
  return (
    <form className="panel form-grid" onSubmit={submit} aria-label="Add a row">
      {columns.map((c) => (
        <label key={c}>
          {c}
          <input value={values[c] ?? ''} onChange={(e) => setValues({ ...values, [c]: e.target.value })} />
        </label>
      ))}
      <label>
        New input name
        <input value={extra} placeholder="question" onChange={(e) => setExtra(e.target.value)} />
      </label>
      {extra.trim() && (
        <label>
          {extra.trim()}
          <input value={values[extra.trim()] ?? ''} onChange={(e) => setValues({ ...values, [extra.trim()]: e.target.value })} />
        </label>
      )}
      <label>
        Expected output
        <input value={expected} onChange={(e) => setExpected(e.target.value)} />
      </label>
      <label>
        Tags (; between)
        <input value={tags} onChange={(e) => setTags(e.target.value)} />
      </label>
      {error !== null && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
      <div className="form-actions">
        <button type="submit" className="button-primary">
          Add row
        </button>
      </div>
    </form>
  );
}
