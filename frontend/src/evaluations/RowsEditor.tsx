/** Edit a version's rows in place — inputs, expected output, tags; remove rows — and save them as
 * the dataset's next version (the one edited stays as it was). */
import { useMemo, useState } from 'react';
import { ErrorNotice } from '../components/ErrorNotice';
import { display } from './parts';
import type { Row } from './types';

interface DraftRow {
  inputs: Record<string, string>;
  expected: string;
  tags: string;
}

const draftOf = (row: Row): DraftRow => ({
  inputs: Object.fromEntries(Object.entries(row.inputs).map(([k, v]) => [k, display(v)])),
  expected: row.expected ?? '',
  tags: row.tags.join('; '),
});

/** The rows to save: typed-in numbers stay text unless they were numbers before. */
export function rowsOf(drafts: DraftRow[], originals: (Row | null)[]): Row[] {
  return drafts.map((draft, i) => {
    const before = originals[i]?.inputs ?? {};
    const inputs = Object.fromEntries(
      Object.entries(draft.inputs)
        .filter(([, v]) => v !== '')
        .map(([k, v]) => [k, typeof before[k] === 'number' && v.trim() !== '' && !Number.isNaN(Number(v)) ? Number(v) : v]),
    );
    return { inputs, expected: draft.expected || null, tags: draft.tags.split(';').map((t) => t.trim()).filter(Boolean) };
  });
}

export function RowsEditor({ rows, onSave, onCancel }: { rows: Row[]; onSave: (rows: Row[]) => Promise<unknown>; onCancel: () => void }) {
  const [drafts, setDrafts] = useState<DraftRow[]>(() => rows.map(draftOf));
  const [originals, setOriginals] = useState<(Row | null)[]>(rows);
  const [error, setError] = useState<unknown>(null);
  const columns = useMemo(() => [...new Set(drafts.flatMap((d) => Object.keys(d.inputs)))], [drafts]);
  const update = (i: number, patch: Partial<DraftRow>) => setDrafts((ds) => ds.map((d, j) => (j === i ? { ...d, ...patch } : d)));
  const remove = (i: number) => {
    setDrafts((ds) => ds.filter((_, j) => j !== i));
    setOriginals((os) => os.filter((_, j) => j !== i));
  };
  const add = () => {
    setDrafts((ds) => [...ds, { inputs: Object.fromEntries(columns.map((c) => [c, ''])), expected: '', tags: '' }]);
    setOriginals((os) => [...os, null]);
  };

  return (
    <div className="rows-editor">
      <div className="rows-scroll">
        <table className="prompt-table rows-table" aria-label="Edit rows">
          <thead>
            <tr>
              <th>#</th>
              {columns.map((c) => (
                <th key={c}>{c}</th>
              ))}
              <th>expected</th>
              <th>tags (; between)</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {drafts.map((d, i) => (
              <tr key={i}>
                <td className="muted">{i + 1}</td>
                {columns.map((c) => (
                  <td key={c}>
                    <input aria-label={`Row ${i + 1} ${c}`} value={d.inputs[c] ?? ''} onChange={(e) => update(i, { inputs: { ...d.inputs, [c]: e.target.value } })} />
                  </td>
                ))}
                <td>
                  <input aria-label={`Row ${i + 1} expected`} value={d.expected} onChange={(e) => update(i, { expected: e.target.value })} />
                </td>
                <td>
                  <input aria-label={`Row ${i + 1} tags`} value={d.tags} onChange={(e) => update(i, { tags: e.target.value })} />
                </td>
                <td>
                  <button type="button" className="button-small button-quiet" aria-label={`Remove row ${i + 1}`} onClick={() => remove(i)}>
                    ×
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {error !== null && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
      <div className="form-actions">
        <button type="button" className="button-small" onClick={add}>
          Add a row
        </button>
        <button type="button" className="button-quiet" onClick={onCancel}>
          Cancel
        </button>
        <button type="button" className="button-primary" disabled={!drafts.length} onClick={() => onSave(rowsOf(drafts, originals)).catch(setError)}>
          Save as a new version
        </button>
      </div>
    </div>
  );
}
