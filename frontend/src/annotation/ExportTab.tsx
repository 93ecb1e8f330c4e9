/** Completed items out: as a CSV or JSONL file, or as a dataset (new or a new version of an
 * existing one) to run experiments on. */
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { ErrorNotice } from '../components/ErrorNotice';
import { listDatasets } from '../evaluations/api';
import type { DatasetRow } from '../evaluations/types';
import { useSession } from '../session';
import { exportToDataset, exportUrl } from './api';
import type { Queue } from './types';

const NEW = 'new';

export function ExportTab({ queue }: { queue: Queue }) {
  const { workspaceId } = useSession();
  const [datasets, setDatasets] = useState<DatasetRow[]>([]);
  const [target, setTarget] = useState(NEW);
  const [name, setName] = useState(`${queue.name} (reviewed)`);
  const [result, setResult] = useState<{ id: number; version: number; rows: number } | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    listDatasets(workspaceId)
      .then((p) => setDatasets(p.results))
      .catch(() => setDatasets([]));
  }, [workspaceId]);

  const save = (e: React.FormEvent) => {
    e.preventDefault();
    setError(null);
    exportToDataset(workspaceId, queue.id, target === NEW ? { name: name.trim() } : { dataset_id: Number(target) })
      .then((r) => setResult({ id: r.dataset_id, version: r.version_number, rows: r.rows }))
      .catch(setError);
  };

  return (
    <section aria-label="Export" className="ann-export">
      <p className="muted">
        {queue.counts.completed} completed item{queue.counts.completed === 1 ? '' : 's'}: inputs, output, final corrected output, final scores and tags.
      </p>
      <div className="ann-actions">
        <a className="button" href={exportUrl(workspaceId, queue.id, 'csv')} download>
          Download CSV
        </a>
        <a className="button" href={exportUrl(workspaceId, queue.id, 'jsonl')} download>
          Download JSONL
        </a>
      </div>
      <h3>Export to dataset</h3>
      <form className="inline-form" onSubmit={save} aria-label="Export to dataset">
        <select aria-label="Dataset" value={target} onChange={(e) => setTarget(e.target.value)}>
          <option value={NEW}>a new dataset…</option>
          {datasets.map((d) => (
            <option key={d.id} value={d.id}>
              {d.name}
            </option>
          ))}
        </select>
        {target === NEW && <input aria-label="New dataset name" value={name} onChange={(e) => setName(e.target.value)} />}
        <button type="submit" className="button-primary" disabled={target === NEW && !name.trim()}>
          Export to dataset
        </button>
      </form>
      {error !== null && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
      {result && (
        <p role="status">
          v{result.version} with {result.rows} row{result.rows === 1 ? '' : 's'}. <Link to={`/evaluations/datasets/${result.id}`}>Open the dataset</Link>
        </p>
      )}
    </section>
  );
}
