/** Evaluations: the workspace's datasets (rows to test on, each version kept) and its experiments
 * (variants × a dataset version, with the share of good results per variant). */
import { useEffect, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { isAbortError } from '../api/client';
import { ErrorNotice } from '../components/ErrorNotice';
import { canBuild } from '../prompts/parts';
import { useSession } from '../session';
import { createDataset, listDatasets, listExperiments } from './api';
import './evaluations.css';
import { ProgressBar, StatusChip } from './parts';
import type { DatasetRow, Experiment } from './types';

export function EvaluationsPage() {
  const { workspaceId, role } = useSession();
  const navigate = useNavigate();
  const [datasets, setDatasets] = useState<DatasetRow[] | null>(null);
  const [experiments, setExperiments] = useState<Experiment[] | null>(null);
  const [name, setName] = useState('');
  const [error, setError] = useState<unknown>(null);
  const editable = canBuild(role);

  useEffect(() => {
    const controller = new AbortController();
    Promise.all([listDatasets(workspaceId, controller.signal), listExperiments(workspaceId, undefined, controller.signal)])
      .then(([d, e]) => {
        setDatasets(d.results);
        setExperiments(e.results);
      })
      .catch((e: unknown) => {
        if (!isAbortError(e)) setError(e);
      });
    return () => controller.abort();
  }, [workspaceId]);

  const create = (e: React.FormEvent) => {
    e.preventDefault();
    createDataset(workspaceId, { name: name.trim() })
      .then((d) => navigate(`/evaluations/datasets/${d.id}`))
      .catch(setError);
  };

  return (
    <section className="page evaluations-page" aria-labelledby="page-title">
      <header className="prompts-header">
        <div>
          <h1 id="page-title">Evaluations</h1>
          <p className="muted">Never judge a prompt on one answer: run it on a dataset, label the results, compare the share of good ones.</p>
        </div>
        {editable && (
          <div className="prompts-actions">
            <Link className="button button-primary" to="/evaluations/experiments/new">
              New experiment
            </Link>
          </div>
        )}
      </header>
      {error !== null && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
      <div className="eval-columns">
        <section aria-labelledby="datasets-title" className="panel">
          <h2 id="datasets-title">Datasets</h2>
          {editable && (
            <form className="inline-form" onSubmit={create} aria-label="New dataset">
              <input aria-label="New dataset name" placeholder="New dataset name" value={name} onChange={(e) => setName(e.target.value)} />
              <button type="submit" disabled={!name.trim()}>
                Create dataset
              </button>
            </form>
          )}
          {datasets === null ? (
            <p className="muted">Loading…</p>
          ) : datasets.length === 0 ? (
            <p className="muted">No datasets yet: create one, then upload rows, generate them from a grid or add traced runs.</p>
          ) : (
            <table className="prompt-table" aria-label="Datasets">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Version</th>
                  <th>Updated</th>
                </tr>
              </thead>
              <tbody>
                {datasets.map((d) => (
                  <tr key={d.id} data-testid="dataset-row">
                    <td>
                      <Link to={`/evaluations/datasets/${d.id}`} className="prompt-name">
                        {d.name}
                      </Link>
                    </td>
                    <td>{d.latest_version ? `v${d.latest_version}` : <span className="muted">empty</span>}</td>
                    <td className="muted">{new Date(d.updated_at).toLocaleString()}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
        <section aria-labelledby="experiments-title" className="panel">
          <h2 id="experiments-title">Experiments</h2>
          {experiments === null ? (
            <p className="muted">Loading…</p>
          ) : experiments.length === 0 ? (
            <p className="muted">No experiments yet.</p>
          ) : (
            <table className="prompt-table" aria-label="Experiments">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Dataset</th>
                  <th>Progress</th>
                </tr>
              </thead>
              <tbody>
                {experiments.map((x) => (
                  <tr key={x.id} data-testid="experiment-row">
                    <td>
                      <Link to={`/evaluations/experiments/${x.id}`} className="prompt-name">
                        {x.name}
                      </Link>{' '}
                      <StatusChip status={x.status} />
                    </td>
                    <td>
                      {x.dataset_name} v{x.dataset_version}
                    </td>
                    <td>
                      <ProgressBar done={x.cells_done} total={x.cells_total} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      </div>
    </section>
  );
}
