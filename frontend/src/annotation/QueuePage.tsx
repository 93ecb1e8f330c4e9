/** A queue, for builders and owners: its items, sampling rules, agreement, disagreements (the
 * owner adjudicates) and export. The tab is kept in the URL (?tab=). */
import { useEffect, useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { isAbortError } from '../api/client';
import { ErrorNotice } from '../components/ErrorNotice';
import { useSession } from '../session';
import { AgreementTab } from './AgreementTab';
import { deleteQueue, getQueue } from './api';
import { DisagreementsTab } from './DisagreementsTab';
import { ExportTab } from './ExportTab';
import { ItemsTab } from './ItemsTab';
import { canManage, dueText, ThinProgress } from './parts';
import { RulesTab } from './RulesTab';
import type { Queue } from './types';

const TABS = [
  ['items', 'Items'],
  ['rules', 'Rules'],
  ['agreement', 'Agreement'],
  ['disagreements', 'Disagreements'],
  ['export', 'Export'],
] as const;
type Tab = (typeof TABS)[number][0];

function TabBody({ tab, queue }: { tab: Tab; queue: Queue }) {
  switch (tab) {
    case 'rules':
      return <RulesTab queue={queue} />;
    case 'agreement':
      return <AgreementTab queue={queue} />;
    case 'disagreements':
      return <DisagreementsTab queue={queue} />;
    case 'export':
      return <ExportTab queue={queue} />;
    default:
      return <ItemsTab queue={queue} />;
  }
}

export function QueuePage() {
  const { queueId = '' } = useParams();
  const { workspaceId, role } = useSession();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const tab = (TABS.find(([t]) => t === params.get('tab'))?.[0] ?? 'items') as Tab;
  const [queue, setQueue] = useState<Queue | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    const controller = new AbortController();
    getQueue(workspaceId, queueId, controller.signal)
      .then(setQueue)
      .catch((e: unknown) => {
        if (!isAbortError(e)) setError(e);
      });
    return () => controller.abort();
  }, [workspaceId, queueId]);

  const remove = () => {
    if (!queue || !window.confirm(`Delete the queue "${queue.name}" with its ${queue.counts.total} items and their reviews?`)) return;
    deleteQueue(workspaceId, queue.id)
      .then(() => navigate('/annotation'))
      .catch(setError);
  };

  if (!queue) return <section className="page annotation-page">{error !== null ? <ErrorNotice error={error} /> : <p className="muted">Loading…</p>}</section>;
  const { counts } = queue;
  return (
    <section className="page annotation-page" aria-labelledby="page-title">
      <p className="breadcrumbs">
        <Link to="/annotation">Annotation</Link> /
      </p>
      <header className="ann-header">
        <div>
          <h1 id="page-title">{queue.name}</h1>
          <div className="ann-queue-facts">
            <ThinProgress done={counts.completed} total={counts.total} label="Completed items" />
            <span className="muted small">
              {counts.pending} pending · {counts.in_review} in review · {counts.skipped} skipped · {queue.required_reviews} review
              {queue.required_reviews === 1 ? '' : 's'} each{queue.blind ? ' · blind' : ''} · due {dueText(queue.due_at)} ·{' '}
              {queue.reviewers.length ? queue.reviewers.map((r) => r.username).join(', ') : 'every annotating member'}
            </span>
          </div>
        </div>
        <div className="ann-actions">
          {queue.my_remaining > 0 && (
            <Link className="button button-primary" to={`/annotation/queues/${queue.id}/review`}>
              Start reviewing
            </Link>
          )}
          {canManage(role) && (
            <>
              <Link className="button" to={`/annotation/queues/${queue.id}/edit`}>
                Edit
              </Link>
              <button type="button" className="button-small danger" onClick={remove}>
                Delete
              </button>
            </>
          )}
        </div>
      </header>
      {error !== null && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
      <div className="ann-tabs" role="tablist" aria-label="Queue">
        {TABS.map(([value, text]) => (
          <button
            key={value}
            type="button"
            role="tab"
            aria-selected={tab === value}
            onClick={() => setParams(value === 'items' ? {} : { tab: value }, { replace: true })}
          >
            {text}
          </button>
        ))}
      </div>
      <div role="tabpanel" aria-label={TABS.find(([t]) => t === tab)?.[1]}>
        <TabBody tab={tab} queue={queue} />
      </div>
    </section>
  );
}
