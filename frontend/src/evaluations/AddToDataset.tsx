/** "Add to dataset" for runs chosen in the Runs list: each run's inputs become a row, its answer
 * the expected output — into an existing dataset (a new version) or a new one. */
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { errorMessage } from '../api/client';
import { useSession } from '../session';
import { addVersion, createDataset, listDatasets } from './api';
import './evaluations.css';
import type { DatasetRow } from './types';

const NEW = 'new';

export function AddToDataset({ runIds }: { runIds: string[] }) {
  const { workspaceId } = useSession();
  const [datasets, setDatasets] = useState<DatasetRow[]>([]);
  const [target, setTarget] = useState(NEW);
  const [name, setName] = useState('');
  const [result, setResult] = useState<{ text: string; link?: string } | null>(null);

  useEffect(() => {
    listDatasets(workspaceId)
      .then((page) => {
        setDatasets(page.results);
        if (page.results[0]) setTarget(String(page.results[0].id));
      })
      .catch(() => setDatasets([]));
  }, [workspaceId]);

  const add = async () => {
    try {
      const datasetId = target === NEW ? (await createDataset(workspaceId, { name: name.trim() })).id : Number(target);
      const version = await addVersion(workspaceId, datasetId, { run_ids: runIds });
      setResult({ text: `Added ${runIds.length} run(s): v${version.number} has ${version.row_count} rows.`, link: `/evaluations/datasets/${datasetId}` });
    } catch (e) {
      setResult({ text: errorMessage(e) });
    }
  };

  return (
    <div className="add-to-dataset" role="group" aria-label="Add to dataset">
      <span>
        <strong>{runIds.length}</strong> selected
      </span>
      <select aria-label="Dataset" value={target} onChange={(e) => setTarget(e.target.value)}>
        {datasets.map((d) => (
          <option key={d.id} value={d.id}>
            {d.name}
          </option>
        ))}
        <option value={NEW}>a new dataset…</option>
      </select>
      {target === NEW && <input aria-label="New dataset name" placeholder="Dataset name" value={name} onChange={(e) => setName(e.target.value)} />}
      <button type="button" className="button-primary" disabled={!runIds.length || (target === NEW && !name.trim())} onClick={() => void add()}>
        Add to dataset
      </button>
      {result && (
        <span role="status">
          {result.text} {result.link && <Link to={result.link}>Open the dataset</Link>}
        </span>
      )}
    </div>
  );
}
