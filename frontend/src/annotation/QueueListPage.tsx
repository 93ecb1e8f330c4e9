/** /annotation: the queues the caller reviews (or manages), their progress, what is left for the
 * caller and when it is due; builders also create queues and manage score configs here. */
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { isAbortError } from '../api/client';
import { ErrorNotice } from '../components/ErrorNotice';
import { useSession } from '../session';
import { listQueues } from './api';
import { canManage, canReview, dueText, ThinProgress } from './parts';
import { ScoreConfigsPanel } from './ScoreConfigsPanel';
import type { Queue } from './types';

function QueueRow({ queue, manage, review }: { queue: Queue; manage: boolean; review: boolean }) {
  const { counts } = queue;
  return (
    <tr data-testid="queue-row">
      <td>
        {manage ? (
          <Link to={`/annotation/queues/${queue.id}`} className="ann-name">
            {queue.name}
          </Link>
        ) : (
          <strong>{queue.name}</strong>
        )}
        <div className="muted small">
          {queue.score_configs.map((c) => c.name).join(', ')}
          {queue.required_reviews > 1 ? ` · ${queue.required_reviews} reviews each` : ''}
          {queue.blind ? ' · blind' : ''}
        </div>
      </td>
      <td>
        <ThinProgress done={counts.completed} total={counts.total} label={`${queue.name} completed`} />
      </td>
      <td className="num" data-testid="my-remaining">
        {queue.my_remaining}
      </td>
      <td className={queue.due_at && new Date(queue.due_at).getTime() < Date.now() ? 'text-error' : ''}>{dueText(queue.due_at)}</td>
      <td className="ann-actions">
        {review && (
          <Link
            className={`button ${queue.my_remaining > 0 ? 'button-primary' : ''}`}
            to={`/annotation/queues/${queue.id}/review`}
            aria-disabled={queue.my_remaining === 0}
          >
            {queue.my_remaining > 0 ? 'Start reviewing' : 'Nothing left'}
          </Link>
        )}
      </td>
    </tr>
  );
}

export function QueueListPage() {
  const { workspaceId, role } = useSession();
  const [queues, setQueues] = useState<Queue[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const manage = canManage(role);
  const review = canReview(role);

  useEffect(() => {
    const controller = new AbortController();
    listQueues(workspaceId, controller.signal)
      .then((page) => setQueues(page.results))
      .catch((e: unknown) => {
        if (!isAbortError(e)) setError(e);
      });
    return () => controller.abort();
  }, [workspaceId]);

  return (
    <section className="page annotation-page" aria-labelledby="page-title">
      <header className="ann-header">
        <div>
          <h1 id="page-title">Annotation</h1>
          <p className="muted">Review queues: people score outputs, the scores become datasets, replies and agreement figures.</p>
        </div>
        {manage && (
          <Link className="button button-primary" to="/annotation/queues/new">
            New queue
          </Link>
        )}
      </header>
      {error !== null && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
      {queues === null ? (
        error === null && <p className="muted">Loading…</p>
      ) : queues.length === 0 ? (
        <div className="empty-state">
          <p className="empty-title">No review queues{manage ? ' yet' : ' for you'}</p>
          <p className="muted">
            {manage
              ? 'Create a queue with the scores to give, then add runs from the Runs list, an experiment, or a sampling rule.'
              : 'When someone adds you to a queue, it shows up here.'}
          </p>
        </div>
      ) : (
        <table className="ann-table" aria-label="Review queues">
          <thead>
            <tr>
              <th>Queue</th>
              <th>Completed</th>
              <th className="num">Left for me</th>
              <th>Due</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {queues.map((q) => (
              <QueueRow key={q.id} queue={q} manage={manage} review={review} />
            ))}
          </tbody>
        </table>
      )}
      {manage && <ScoreConfigsPanel />}
    </section>
  );
}
