/** "Add to review queue" for runs chosen in the Runs list or one run, and "Send to review queue"
 * for an experiment's cells (all, or where variants or evaluators disagree). */
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { errorMessage } from '../api/client';
import { useSession } from '../session';
import { addItems, listQueues } from './api';
import type { AddItemsInput, Queue } from './types';

type Source = { runIds: string[] } | { experimentId: number };

function body(source: Source, mode: 'all' | 'disagreements'): AddItemsInput {
  return 'runIds' in source ? { run_ids: source.runIds } : { experiment_id: source.experimentId, mode };
}

export function AddToQueue(props: Source) {
  const { workspaceId } = useSession();
  const [queues, setQueues] = useState<Queue[] | null>(null);
  const [target, setTarget] = useState('');
  const [mode, setMode] = useState<'all' | 'disagreements'>('all');
  const [result, setResult] = useState<{ text: string; link?: string } | null>(null);
  const forExperiment = 'experimentId' in props;
  const count = 'runIds' in props ? props.runIds.length : null;

  useEffect(() => {
    listQueues(workspaceId)
      .then((page) => {
        setQueues(page.results);
        if (page.results[0]) setTarget(String(page.results[0].id));
      })
      .catch(() => setQueues([]));
  }, [workspaceId]);

  const add = () => {
    addItems(workspaceId, target, body(props, mode))
      .then((r) =>
        setResult({
          text: `Added ${r.added} item${r.added === 1 ? '' : 's'}${r.already_queued ? ` (${r.already_queued} already queued)` : ''}.`,
          link: `/annotation/queues/${target}`,
        }),
      )
      .catch((e: unknown) => setResult({ text: errorMessage(e) }));
  };

  const label = forExperiment ? 'Send to review queue' : 'Add to review queue';
  if (queues !== null && queues.length === 0) {
    return (
      <div className="add-to-dataset add-to-queue" role="group" aria-label={label}>
        <span className="muted small">
          No review queue yet: <Link to="/annotation/queues/new">create one</Link>.
        </span>
      </div>
    );
  }
  return (
    <div className="add-to-dataset add-to-queue" role="group" aria-label={label}>
      {count !== null && count > 1 && (
        <span>
          <strong>{count}</strong> selected
        </span>
      )}
      <select aria-label="Review queue" value={target} onChange={(e) => setTarget(e.target.value)} disabled={!queues}>
        {(queues ?? []).map((q) => (
          <option key={q.id} value={q.id}>
            {q.name}
          </option>
        ))}
      </select>
      {forExperiment && (
        <select aria-label="Which cells" value={mode} onChange={(e) => setMode(e.target.value as 'all' | 'disagreements')}>
          <option value="all">all cells</option>
          <option value="disagreements">where variants or evaluators disagree</option>
        </select>
      )}
      <button type="button" disabled={!target || count === 0} onClick={add}>
        {label}
      </button>
      {result && (
        <span role="status">
          {result.text} {result.link && <Link to={result.link}>Open the queue</Link>}
        </span>
      )}
    </div>
  );
}
