/** New or edit a review queue: name, instructions (markdown, with a preview), the score configs to
 * give, who reviews, how many reviews an item needs, blind review, due date and lock timeout. */
import { useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { isAbortError } from '../api/client';
import { ErrorNotice } from '../components/ErrorNotice';
import { useSession } from '../session';
import { createQueue, getQueue, listMembers, listScoreConfigs, updateQueue } from './api';
import { Markdown } from './Markdown';
import { canReview, scaleText } from './parts';
import type { Member, Queue, QueueInput, ScoreConfig } from './types';

const BLANK: QueueInput = {
  name: '',
  instructions: '',
  score_config_ids: [],
  reviewer_ids: [],
  required_reviews: 1,
  blind: true,
  due_at: null,
  lock_timeout_s: 600,
};

const fromQueue = (q: Queue): QueueInput => ({
  name: q.name,
  instructions: q.instructions,
  score_config_ids: q.score_configs.map((c) => c.id),
  reviewer_ids: q.reviewers.map((r) => r.id),
  required_reviews: q.required_reviews,
  blind: q.blind,
  due_at: q.due_at,
  lock_timeout_s: q.lock_timeout_s,
});

/** An ISO date-time as the value of a date input (local day), and back (end of that day). */
export function dateValue(iso: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}
export const dateToIso = (value: string) => (value ? new Date(`${value}T23:59:59`).toISOString() : null);

const toggle = (ids: number[], id: number, on: boolean) => (on ? [...new Set([...ids, id])] : ids.filter((x) => x !== id));

function Checklist<T extends { id: number }>({ legend, items, chosen, text, onChange }: {
  legend: string;
  items: T[];
  chosen: number[];
  text: (item: T) => React.ReactNode;
  onChange: (ids: number[]) => void;
}) {
  return (
    <fieldset className="ann-checklist">
      <legend>{legend}</legend>
      {items.map((item) => (
        <label key={item.id} className="inline">
          <input type="checkbox" checked={chosen.includes(item.id)} onChange={(e) => onChange(toggle(chosen, item.id, e.target.checked))} />{' '}
          {text(item)}
        </label>
      ))}
    </fieldset>
  );
}

export function QueueFormPage() {
  const { queueId } = useParams();
  const { workspaceId } = useSession();
  const navigate = useNavigate();
  const [form, setForm] = useState<QueueInput>(BLANK);
  const [configs, setConfigs] = useState<ScoreConfig[]>([]);
  const [members, setMembers] = useState<{ id: number; username: string; role: string }[]>([]);
  const [preview, setPreview] = useState(false);
  const [error, setError] = useState<unknown>(null);
  // The form shows once the queue (when editing), configs and members are in: typing into fields
  // that the answer then overwrote would lose the user's words.
  const [loaded, setLoaded] = useState(false);
  const set = (patch: Partial<QueueInput>) => setForm((f) => ({ ...f, ...patch }));

  useEffect(() => {
    const controller = new AbortController();
    const signal = controller.signal;
    Promise.all([
      listScoreConfigs(workspaceId, false, signal),
      listMembers(workspaceId, signal),
      queueId ? getQueue(workspaceId, queueId, signal) : Promise.resolve(null),
    ])
      .then(([c, m, q]) => {
        setConfigs(c.results);
        setMembers(m.results.filter((x: Member) => canReview(x.role)).map((x) => ({ id: x.user_id, username: x.username, role: x.role })));
        if (q) setForm(fromQueue(q));
        setLoaded(true);
      })
      .catch((e: unknown) => {
        if (!isAbortError(e)) setError(e);
      });
    return () => controller.abort();
  }, [workspaceId, queueId]);

  const save = (e: React.FormEvent) => {
    e.preventDefault();
    const body = { ...form, name: form.name.trim() };
    (queueId ? updateQueue(workspaceId, queueId, body) : createQueue(workspaceId, body))
      .then((q) => navigate(`/annotation/queues/${q.id}`))
      .catch(setError);
  };

  return (
    <section className="page annotation-page" aria-labelledby="page-title">
      <p className="breadcrumbs">
        <Link to="/annotation">Annotation</Link>
        {queueId && (
          <>
            {' / '}
            <Link to={`/annotation/queues/${queueId}`}>{form.name || 'Queue'}</Link>
          </>
        )}
      </p>
      <h1 id="page-title">{queueId ? 'Edit queue' : 'New queue'}</h1>
      {error !== null && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
      {!loaded && error === null && (
        <p className="muted" role="status">
          Loading…
        </p>
      )}
      {loaded && (
        <form className="ann-form" onSubmit={save} aria-label={queueId ? 'Edit queue' : 'New queue'}>
          <label>
            Name
            <input value={form.name} onChange={(e) => set({ name: e.target.value })} required />
          </label>
          <div className="ann-instructions-field">
            <div className="ann-section-head">
              <span>Instructions (markdown)</span>
              <button type="button" className="button-small" aria-pressed={preview} onClick={() => setPreview((p) => !p)}>
                {preview ? 'Edit' : 'Preview'}
              </button>
            </div>
            {preview ? (
              <div className="ann-preview" data-testid="instructions-preview">
                {form.instructions.trim() ? <Markdown source={form.instructions} /> : <p className="muted">Nothing yet.</p>}
              </div>
            ) : (
              <textarea
                aria-label="Instructions"
                rows={8}
                value={form.instructions}
                onChange={(e) => set({ instructions: e.target.value })}
                placeholder={'What a good answer looks like.\n\n- **Correct**: the facts are right\n- Use `partly` when …'}
              />
            )}
          </div>
          <Checklist
            legend="Score configs"
            items={configs}
            chosen={form.score_config_ids}
            onChange={(ids) => set({ score_config_ids: ids })}
            text={(c) => (
              <>
                {c.name} <span className="muted small">({c.kind}: {scaleText(c)})</span>
              </>
            )}
          />
          {configs.length === 0 && (
            <p className="muted small">
              No score configs yet: create them on the <Link to="/annotation">Annotation</Link> page first.
            </p>
          )}
          <Checklist
            legend="Reviewers (none chosen: every member who may annotate)"
            items={members}
            chosen={form.reviewer_ids}
            onChange={(ids) => set({ reviewer_ids: ids })}
            text={(m) => (
              <>
                {m.username} <span className="muted small">{m.role}</span>
              </>
            )}
          />
          <div className="ann-form-row">
            <label>
              Reviews per item
              <input
                type="number"
                min={1}
                max={5}
                value={form.required_reviews}
                onChange={(e) => set({ required_reviews: Math.max(1, Math.min(5, Number(e.target.value) || 1)) })}
              />
            </label>
            <label>
              Due date
              <input type="date" value={dateValue(form.due_at)} onChange={(e) => set({ due_at: dateToIso(e.target.value) })} />
            </label>
            <label>
              Lock timeout (minutes)
              <input
                type="number"
                min={1}
                max={1440}
                value={Math.round(form.lock_timeout_s / 60)}
                onChange={(e) => set({ lock_timeout_s: Math.max(30, Math.min(86_400, Math.round(Number(e.target.value) * 60) || 600)) })}
              />
            </label>
            <label className="inline">
              <input type="checkbox" checked={form.blind} onChange={(e) => set({ blind: e.target.checked })} /> Blind review (reviewers do not see
              each other's scores before submitting)
            </label>
          </div>
          <div className="ann-actions">
            <button type="submit" className="button-primary" disabled={!form.name.trim() || form.score_config_ids.length === 0}>
              {queueId ? 'Save queue' : 'Create queue'}
            </button>
            <Link to={queueId ? `/annotation/queues/${queueId}` : '/annotation'}>Cancel</Link>
          </div>
        </form>
      )}
    </section>
  );
}
