/** Replies tab: approved answers the published app returns without calling its model, when a
 * question is close enough to the reviewed one — the switch (off until turned on), the similarity
 * a question needs, the replies with their hits (switch one off, edit it inline, delete it), and a
 * form to add one by hand. A served reply shows in the run's trace as an "annotation_reply" node. */
import { useCallback, useEffect, useState } from 'react';
import { ActionFeedback } from './ActionFeedback';
import {
  createReply,
  deleteReply,
  getReplySettings,
  listReplies,
  saveReplySettings,
  updateReply,
  type AnnotationReply,
  type ReplySettings,
} from './api';
import { relativeTime } from './model';
import './replies.css';

interface Props {
  workspaceId: string;
  appId: string;
  canEdit: boolean;
}

export const MIN_THRESHOLD = 0.5;
export const MAX_THRESHOLD = 1;

/** Why a typed threshold cannot be saved, or null when it can. */
export function thresholdProblem(text: string): string | null {
  const value = Number(text);
  if (!text.trim() || Number.isNaN(value)) return 'Type a similarity, e.g. 0.9.';
  if (value < MIN_THRESHOLD || value > MAX_THRESHOLD) return `Between ${MIN_THRESHOLD} and ${MAX_THRESHOLD}.`;
  return null;
}

interface Draft {
  question: string;
  answer: string;
}

function ReplyRow({
  reply,
  canEdit,
  busy,
  onSave,
  onToggle,
  onDelete,
}: {
  reply: AnnotationReply;
  canEdit: boolean;
  busy: boolean;
  onSave: (r: AnnotationReply, d: Draft) => Promise<boolean>;
  onToggle: (r: AnnotationReply) => void;
  onDelete: (r: AnnotationReply) => void;
}) {
  const [draft, setDraft] = useState<Draft | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const blank = draft !== null && (!draft.question.trim() || !draft.answer.trim());

  return (
    <li className={`key-row reply-row ${reply.enabled ? '' : 'reply-off'}`} data-testid={`reply-${reply.id}`}>
      {draft ? (
        <form
          className="reply-edit"
          onSubmit={(e) => {
            e.preventDefault();
            void onSave(reply, draft).then((saved) => saved && setDraft(null));
          }}
        >
          <label className="field-label" htmlFor={`reply-q-${reply.id}`}>
            Question
          </label>
          <textarea id={`reply-q-${reply.id}`} rows={2} value={draft.question} onChange={(e) => setDraft({ ...draft, question: e.target.value })} />
          <label className="field-label" htmlFor={`reply-a-${reply.id}`}>
            Answer
          </label>
          <textarea id={`reply-a-${reply.id}`} rows={4} value={draft.answer} onChange={(e) => setDraft({ ...draft, answer: e.target.value })} />
          <div className="key-actions">
            <button type="submit" className="button-small button-primary" disabled={busy || blank}>
              Save
            </button>
            <button type="button" className="button-small" onClick={() => setDraft(null)}>
              Cancel
            </button>
          </div>
        </form>
      ) : (
        <>
          <div className="key-main reply-main">
            <strong className="reply-question">{reply.question}</strong>
            {!reply.enabled && <span className="badge">off</span>}
            {reply.source === 'annotation' && <span className="badge">from annotation</span>}
            {canEdit && (
              <button
                type="button"
                role="switch"
                aria-checked={reply.enabled}
                aria-label={`Serve the reply to “${reply.question}”`}
                className={`switch reply-switch ${reply.enabled ? 'on' : ''}`}
                disabled={busy}
                onClick={() => onToggle(reply)}
                title={reply.enabled ? 'Stop serving this reply' : 'Serve this reply again'}
              >
                <span className="switch-knob" />
              </button>
            )}
          </div>
          <p className="reply-answer">{reply.answer}</p>
          <div className="key-meta muted small">
            <span data-testid="reply-hits">
              {reply.hit_count} {reply.hit_count === 1 ? 'hit' : 'hits'}
            </span>
            <span title={reply.last_hit_at ? new Date(reply.last_hit_at).toLocaleString() : undefined}>Last served: {relativeTime(reply.last_hit_at)}</span>
            <span title={new Date(reply.created_at).toLocaleString()}>
              Added {relativeTime(reply.created_at)}
              {reply.created_by ? ` by ${reply.created_by}` : ''}
            </span>
          </div>
          {canEdit && (
            <div className="key-actions">
              <button type="button" className="button-small" onClick={() => setDraft({ question: reply.question, answer: reply.answer })}>
                Edit
              </button>
              {confirmDelete ? (
                <span className="confirm-inline" role="alertdialog" aria-label="Delete this reply?">
                  Delete this reply? The app answers this question with its model again.
                  <button type="button" className="button-small button-danger" disabled={busy} onClick={() => onDelete(reply)}>
                    Delete reply
                  </button>
                  <button type="button" className="button-small" onClick={() => setConfirmDelete(false)}>
                    Cancel
                  </button>
                </span>
              ) : (
                <button type="button" className="button-small danger" onClick={() => setConfirmDelete(true)}>
                  Delete
                </button>
              )}
            </div>
          )}
        </>
      )}
    </li>
  );
}

export function RepliesTab({ workspaceId, appId, canEdit }: Props) {
  const [settings, setSettings] = useState<ReplySettings | null>(null);
  const [threshold, setThreshold] = useState('');
  const [replies, setReplies] = useState<AnnotationReply[] | null>(null);
  const [question, setQuestion] = useState('');
  const [answer, setAnswer] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const load = useCallback(
    (signal?: AbortSignal) =>
      Promise.all([getReplySettings(workspaceId, appId, signal), listReplies(workspaceId, appId, signal)]).then(
        ([s, r]) => {
          setSettings(s);
          setThreshold(String(s.threshold));
          setReplies(r);
        },
        (err) => !signal?.aborted && setError(err),
      ),
    [workspaceId, appId],
  );
  useEffect(() => {
    const ctl = new AbortController();
    void load(ctl.signal);
    return () => ctl.abort();
  }, [load]);

  /** Runs one write; true when it worked. */
  const act = async (done: string, call: () => Promise<unknown>): Promise<boolean> => {
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      await call();
      setNotice(done);
      return true;
    } catch (err) {
      setError(err);
      return false;
    } finally {
      setBusy(false);
    }
  };

  const saveSettings = (enabled: boolean, value: number, done: string) =>
    act(done, async () => {
      const s = await saveReplySettings(workspaceId, appId, { enabled, threshold: value });
      setSettings(s);
      setThreshold(String(s.threshold));
    });

  const replace = (r: AnnotationReply) => setReplies((list) => (list ?? []).map((x) => (x.id === r.id ? r : x)));

  if (!settings || !replies) {
    return error !== null ? <ActionFeedback notice={null} error={error} testId="replies-notice" /> : <p className="muted">Loading…</p>;
  }

  const problem = thresholdProblem(threshold);
  const served = replies.filter((r) => r.enabled).length;

  return (
    <div className="replies-tab">
      <section className={`pub-card ${settings.enabled ? 'is-live' : ''}`} aria-label="Annotation replies">
        <div className="pub-card-head">
          <span className={`live-dot ${settings.enabled ? 'on' : ''}`} aria-hidden="true" />
          <div className="pub-card-title">
            <strong>Annotation replies</strong>
            <span className="muted small">
              {settings.enabled
                ? `On: a question at least ${settings.threshold} similar to a reviewed one gets its approved answer, without calling the model (${served} of ${replies.length} replies served).`
                : 'Off: every question runs the app. Turn on to answer questions close to a reviewed one with its approved answer.'}
            </span>
          </div>
          {canEdit && (
            <button
              type="button"
              role="switch"
              aria-checked={settings.enabled}
              aria-label="Replies enabled"
              className={`switch ${settings.enabled ? 'on' : ''}`}
              disabled={busy}
              onClick={() =>
                void saveSettings(
                  !settings.enabled,
                  settings.threshold,
                  settings.enabled ? 'Replies are off: every question runs the app.' : 'Replies are on.',
                )
              }
              title={settings.enabled ? 'Stop serving replies' : 'Serve replies'}
            >
              <span className="switch-knob" />
            </button>
          )}
        </div>
        <form
          className="share-limit"
          onSubmit={(e) => {
            e.preventDefault();
            if (problem !== null) return;
            void saveSettings(settings.enabled, Number(threshold), `A question needs a similarity of at least ${Number(threshold)}.`);
          }}
        >
          <div className="field">
            <label htmlFor="reply-threshold" className="field-label">
              Similarity needed (cosine, {MIN_THRESHOLD}–{MAX_THRESHOLD})
            </label>
            <div className="share-limit-row">
              <input
                id="reply-threshold"
                type="number"
                min={MIN_THRESHOLD}
                max={MAX_THRESHOLD}
                step={0.01}
                value={threshold}
                disabled={!canEdit}
                onChange={(e) => setThreshold(e.target.value)}
              />
              {canEdit && (
                <button type="submit" className="button-small" disabled={busy || problem !== null || Number(threshold) === settings.threshold}>
                  Save
                </button>
              )}
            </div>
            {problem !== null ? (
              <p className="field-help warn">{problem}</p>
            ) : (
              <p className="field-help muted small">Higher: only near-identical questions. 0.9 serves paraphrases.</p>
            )}
          </div>
        </form>
      </section>

      <ActionFeedback notice={notice} error={error} testId="replies-notice" />

      {canEdit && (
        <form
          className="key-form reply-form"
          onSubmit={(e) => {
            e.preventDefault();
            void act('Reply added.', async () => {
              const r = await createReply(workspaceId, appId, { question: question.trim(), answer: answer.trim() });
              setReplies((list) => [r, ...(list ?? [])]);
              setQuestion('');
              setAnswer('');
            });
          }}
        >
          <h3>Add a reply</h3>
          <div className="field">
            <label htmlFor="reply-question" className="field-label">
              Question
            </label>
            <textarea id="reply-question" rows={2} value={question} placeholder="e.g. How do I reset my password?" onChange={(e) => setQuestion(e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="reply-answer" className="field-label">
              Approved answer
            </label>
            <textarea id="reply-answer" rows={3} value={answer} onChange={(e) => setAnswer(e.target.value)} />
          </div>
          <button type="submit" className="button-primary" disabled={busy || !question.trim() || !answer.trim()}>
            Add reply
          </button>
        </form>
      )}

      <h3>Replies</h3>
      {replies.length === 0 ? (
        <p className="muted small">No replies yet. Add one here, or approve answers in an annotation queue.</p>
      ) : (
        <ul className="key-list" data-testid="reply-list">
          {replies.map((r) => (
            <ReplyRow
              key={r.id}
              reply={r}
              canEdit={canEdit}
              busy={busy}
              onSave={(reply, d) =>
                act('Reply saved.', async () => replace(await updateReply(workspaceId, appId, reply.id, { question: d.question.trim(), answer: d.answer.trim() })))
              }
              onToggle={(reply) =>
                void act(reply.enabled ? 'The reply is no longer served.' : 'The reply is served again.', async () =>
                  replace(await updateReply(workspaceId, appId, reply.id, { enabled: !reply.enabled })),
                )
              }
              onDelete={(reply) =>
                void act('Reply deleted.', async () => {
                  await deleteReply(workspaceId, appId, reply.id);
                  setReplies((list) => (list ?? []).filter((x) => x.id !== reply.id));
                })
              }
            />
          ))}
        </ul>
      )}
    </div>
  );
}
