/** Step through a dataset's rows to fill the variables: pick a dataset, then ◀ ▶ (or Alt+←/→)
 * put each row's inputs into the form, and its expected output shows beside the columns. */
import { useEffect, useState } from 'react';
import { display } from '../evaluations/parts';
import { listDatasets, listRows } from '../evaluations/api';
import type { DatasetRow, Row } from '../evaluations/types';
import { useSession } from '../session';

export function DatasetRows({ onRow }: { onRow: (values: Record<string, string>, row: Row | null) => void }) {
  const { workspaceId } = useSession();
  const [datasets, setDatasets] = useState<DatasetRow[]>([]);
  const [dataset, setDataset] = useState<DatasetRow | null>(null);
  const [rows, setRows] = useState<Row[]>([]);
  const [index, setIndex] = useState(0);

  useEffect(() => {
    listDatasets(workspaceId).then((page) => setDatasets(page.results.filter((d) => d.latest_version))).catch(() => setDatasets([]));
  }, [workspaceId]);
  useEffect(() => {
    if (!dataset?.latest_version) {
      setRows([]);
      return;
    }
    listRows(workspaceId, dataset.id, dataset.latest_version).then((page) => {
      setRows(page.results);
      setIndex(0);
    }).catch(() => setRows([]));
  }, [workspaceId, dataset]);

  const row = rows[index] ?? null;
  useEffect(() => {
    if (row) onRow(Object.fromEntries(Object.entries(row.inputs).map(([k, v]) => [k, display(v)])), row);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [row]);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!e.altKey || !rows.length) return;
      if (e.key === 'ArrowRight') setIndex((i) => Math.min(rows.length - 1, i + 1));
      else if (e.key === 'ArrowLeft') setIndex((i) => Math.max(0, i - 1));
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [rows.length]);

  if (!datasets.length) return null;
  return (
    <div className="pg-dataset" role="group" aria-label="Dataset rows">
      <select
        aria-label="Fill from a dataset"
        value={dataset?.id ?? ''}
        onChange={(e) => {
          const chosen = datasets.find((d) => d.id === Number(e.target.value)) ?? null;
          setDataset(chosen);
          if (!chosen) onRow({}, null);
        }}
      >
        <option value="">fill from a dataset…</option>
        {datasets.map((d) => (
          <option key={d.id} value={d.id}>
            {d.name} v{d.latest_version}
          </option>
        ))}
      </select>
      {rows.length > 0 && (
        <span className="pg-dataset-step">
          <button type="button" className="button-small" aria-label="Previous row (Alt+←)" title="Previous row (Alt+←)" disabled={index === 0} onClick={() => setIndex(index - 1)}>
            ◀
          </button>
          <span data-testid="dataset-row-position">
            row {index + 1} / {rows.length}
          </span>
          <button type="button" className="button-small" aria-label="Next row (Alt+→)" title="Next row (Alt+→)" disabled={index >= rows.length - 1} onClick={() => setIndex(index + 1)}>
            ▶
          </button>
        </span>
      )}
      {row?.expected && (
        <p className="small" data-testid="dataset-row-expected">
          <span className="muted">expected:</span> {row.expected}
        </p>
      )}
    </div>
  );
}
