/** The queue's items, filtered by status or to disagreements; a completed item can become an
 * annotation reply of its app ("Use as reply"). */
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { errorMessage, isAbortError } from '../api/client';
import { ErrorNotice } from '../components/ErrorNotice';
import { useSession } from '../session';
import { listItems, replyFromItem } from './api';
import { ItemStatusChip } from './parts';
import type { ItemStatus, ItemSummary, Queue } from './types';

const STATUSES: [ItemStatus | '', string][] = [
  ['', 'Every status'],
  ['pending', 'Pending'],
  ['in_review', 'In review'],
  ['completed', 'Completed'],
  ['skipped', 'Skipped'],
];

function ReplyForm({ queue, item, onDone }: { queue: Queue; item: ItemSummary; onDone: (text: string) => void }) {
  const { workspaceId } = useSession();
  const [question, setQuestion] = useState('');
  const [answer, setAnswer] = useState('');
  const save = (e: React.FormEvent) => {
    e.preventDefault();
    const body = { ...(question.trim() ? { question: question.trim() } : {}), ...(answer.trim() ? { answer: answer.trim() } : {}) };
    replyFromItem(workspaceId, queue.id, item.id, body)
      .then(() => onDone(`Item #${item.id} is now a reply of ${item.subject.app_name || 'its app'}.`))
      .catch((err: unknown) => onDone(errorMessage(err)));
  };
  return (
    <form className="inline-form ann-reply" onSubmit={save} aria-label={`Use item ${item.id} as reply`}>
      <input aria-label="Question" placeholder="Question (default: the item's input)" value={question} onChange={(e) => setQuestion(e.target.value)} />
      <input aria-label="Answer" placeholder="Answer (default: the final corrected output)" value={answer} onChange={(e) => setAnswer(e.target.value)} />
      <button type="submit" className="button-small">
        Save reply
      </button>
    </form>
  );
}

function ItemRow({ queue, item, onReply }: { queue: Queue; item: ItemSummary; onReply: (text: string) => void }) {
  const [replying, setReplying] = useState(false);
  return (
    <>
      <tr data-testid="item-row">
        <td className="num">#{item.id}</td>
        <td>
          <ItemStatusChip status={item.status} />
          {item.disagreement && <span className="ann-chip ann-warn">disagree</span>}
          {item.adjudicated && <span className="ann-chip">adjudicated</span>}
        </td>
        <td className="small">
          {item.subject.app_name || '—'}
          {item.subject.version_number !== null && ` v${item.subject.version_number}`}
          <div className="muted">
            {item.source}
            {' · '}
            <Link to={`/runs/${item.subject.run_id}`}>run</Link>
          </div>
        </td>
        <td className="ann-preview-cell">{item.input_preview}</td>
        <td className="ann-preview-cell">{item.output_preview}</td>
        <td className="num">
          {item.reviews_submitted ?? '–'}/{queue.required_reviews}
        </td>
        <td>
          {item.status === 'completed' && (
            <button type="button" className="button-small" aria-expanded={replying} onClick={() => setReplying((r) => !r)}>
              Use as reply
            </button>
          )}
        </td>
      </tr>
      {replying && (
        <tr>
          <td colSpan={7}>
            <ReplyForm
              queue={queue}
              item={item}
              onDone={(text) => {
                setReplying(false);
                onReply(text);
              }}
            />
          </td>
        </tr>
      )}
    </>
  );
}

export function ItemsTab({ queue }: { queue: Queue }) {
  const { workspaceId } = useSession();
  const [status, setStatus] = useState<ItemStatus | ''>('');
  const [disagreements, setDisagreements] = useState(false);
  const [items, setItems] = useState<ItemSummary[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState('');

  useEffect(() => {
    const controller = new AbortController();
    listItems(workspaceId, queue.id, { status, disagreements }, controller.signal)
      .then((p) => setItems(p.results))
      .catch((e: unknown) => {
        if (!isAbortError(e)) setError(e);
      });
    return () => controller.abort();
  }, [workspaceId, queue.id, status, disagreements]);

  return (
    <section aria-label="Items">
      <div className="ann-toolbar">
        <select aria-label="Status" value={status} onChange={(e) => setStatus(e.target.value as ItemStatus | '')}>
          {STATUSES.map(([value, text]) => (
            <option key={value} value={value}>
              {text}
            </option>
          ))}
        </select>
        <label className="inline">
          <input type="checkbox" checked={disagreements} onChange={(e) => setDisagreements(e.target.checked)} /> Reviewers disagree
        </label>
        {items && <span className="muted small">{items.length} item{items.length === 1 ? '' : 's'}</span>}
      </div>
      {error !== null && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
      {notice && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
      {items === null ? (
        <p className="muted">Loading…</p>
      ) : items.length === 0 ? (
        <p className="muted">
          No items{status || disagreements ? ' match' : ' yet: add runs from the Runs list or an experiment, or set up a sampling rule'}.
        </p>
      ) : (
        <table className="ann-table" aria-label="Queue items">
          <thead>
            <tr>
              <th className="num">Item</th>
              <th>Status</th>
              <th>App</th>
              <th>Input</th>
              <th>Output</th>
              <th className="num">Reviews</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {items.map((item) => (
              <ItemRow key={item.id} queue={queue} item={item} onReply={setNotice} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
