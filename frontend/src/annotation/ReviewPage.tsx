/** /annotation/queues/<id>/review — keyboard first. Claims an item, shows the queue's
 * instructions, the input, the output and the trace; scores by number keys; Enter submits and the
 * next item (claimed in advance) shows at once. "?" lists the keys. */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Link, useParams } from 'react-router';
import { isAbortError } from '../api/client';
import { ErrorNotice } from '../components/ErrorNotice';
import { useSession } from '../session';
import { getQueue } from './api';
import { ItemView } from './ItemView';
import { checkScores, reviewAction, type DraftValue, type FocusPlace, type ReviewAction } from './keys';
import { Markdown } from './Markdown';
import { ReviewsTable } from './OtherReviews';
import { ReviewPanel, type Draft } from './ReviewPanel';
import { ShortcutSheet } from './ShortcutSheet';
import type { Item, Queue } from './types';
import { useReviewFlow } from './useReviewFlow';

function initialDraft(item: Item): Draft {
  const mine = item.my_review;
  return { scores: { ...(mine?.scores ?? {}) }, corrected: mine?.corrected_output ?? null, comment: mine?.comment ?? '' };
}

function focusPlace(target: EventTarget | null): FocusPlace {
  if (target instanceof HTMLTextAreaElement) return 'multi';
  if (target instanceof HTMLInputElement) return target.type === 'checkbox' || target.type === 'radio' ? 'button' : 'line';
  if (target instanceof HTMLSelectElement) return 'line';
  if (target instanceof HTMLButtonElement || target instanceof HTMLAnchorElement || target instanceof HTMLElement && target.tagName === 'SUMMARY') return 'button';
  return 'none';
}

const timeText = (iso: string) => new Date(iso).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });

function Progress({ item }: { item: Item }) {
  const { done, total } = item.position;
  return (
    <span className="ann-position" data-testid="review-progress" aria-live="polite">
      {Math.min(done + 1, Math.max(total, 1))} / {total}
    </span>
  );
}

function QueueDone({ queue }: { queue: Queue | null }) {
  return (
    <div className="empty-state ann-done" data-testid="queue-done">
      <p className="empty-title">Queue done</p>
      <p className="muted">Nothing is left for you in {queue ? `“${queue.name}”` : 'this queue'}. Thank you!</p>
      <Link className="button button-primary" to="/annotation">
        Back to the queues
      </Link>
    </div>
  );
}

export function ReviewPage() {
  const { queueId = '' } = useParams();
  const { workspaceId } = useSession();
  const [queue, setQueue] = useState<Queue | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const flow = useReviewFlow(workspaceId, queueId);
  const { item } = flow;
  const [drafts, setDrafts] = useState<Record<number, Draft>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [activeId, setActiveId] = useState<number | null>(null);
  const [help, setHelp] = useState(false);
  const [skipping, setSkipping] = useState(false);
  const [skipReason, setSkipReason] = useState('');
  const [showInstructions, setShowInstructions] = useState(true);
  const [traceOpen, setTraceOpen] = useState(false);
  const widgets = useRef(new Map<number, HTMLElement>());
  const outputRef = useRef<HTMLTextAreaElement>(null);
  const commentRef = useRef<HTMLTextAreaElement>(null);
  const skipRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    const controller = new AbortController();
    getQueue(workspaceId, queueId, controller.signal)
      .then(setQueue)
      .catch((e: unknown) => {
        if (!isAbortError(e)) setLoadError(e);
      });
    return () => controller.abort();
  }, [workspaceId, queueId]);

  const configs = useMemo(() => (queue?.score_configs ?? []).filter((c) => !c.archived), [queue]);
  const draft = item ? (drafts[item.id] ?? initialDraft(item)) : null;

  const updateDraft = useCallback(
    (patch: Partial<Draft> | ((d: Draft) => Partial<Draft>)) => {
      if (!item) return;
      setDrafts((all) => {
        const current = all[item.id] ?? initialDraft(item);
        return { ...all, [item.id]: { ...current, ...(typeof patch === 'function' ? patch(current) : patch) } };
      });
    },
    [item],
  );

  const focusWidget = useCallback(
    (index: number) => {
      const config = configs[Math.max(0, Math.min(configs.length - 1, index))];
      if (!config) return;
      setActiveId(config.id);
      widgets.current.get(config.id)?.focus();
    },
    [configs],
  );

  // A new item: clear the screen's transient state and put the focus on the first score.
  const itemId = item?.id;
  useEffect(() => {
    if (itemId === undefined) return;
    setErrors({});
    setSkipping(false);
    setSkipReason('');
    setTraceOpen(false);
    focusWidget(0);
  }, [itemId, focusWidget]);

  const onScore = useCallback(
    (configId: number, value: DraftValue) => {
      updateDraft((d) => ({ scores: { ...d.scores, [String(configId)]: value } }));
      setErrors((e) => {
        const { [String(configId)]: _gone, ...rest } = e;
        return rest;
      });
    },
    [updateDraft],
  );
  const widgetRef = useCallback((configId: number, el: HTMLElement | null) => {
    if (el) widgets.current.set(configId, el);
    else widgets.current.delete(configId);
  }, []);

  const submit = () => {
    if (!item || !draft) return;
    const { scores, errors: invalid } = checkScores(configs, draft.scores);
    setErrors(invalid);
    const firstBad = configs.findIndex((c) => invalid[String(c.id)]);
    if (firstBad >= 0) {
      focusWidget(firstBad);
      return;
    }
    const corrected = draft.corrected !== null && draft.corrected.trim() !== item.output.trim() ? draft.corrected : null;
    void flow.submit({ scores, corrected_output: corrected, comment: draft.comment.trim() });
  };
  const confirmSkip = () => {
    if (!skipReason.trim()) return;
    void flow.skip(skipReason.trim()).then((ok) => {
      if (ok) setSkipping(false);
    });
  };
  const openSkip = () => {
    setSkipping(true);
    requestAnimationFrame(() => skipRef.current?.focus());
  };

  const perform = (action: ReviewAction, target: EventTarget | null) => {
    const index = Math.max(0, configs.findIndex((c) => c.id === activeId));
    switch (action.type) {
      case 'score': {
        const config = configs[index];
        if (!config) return;
        onScore(config.id, action.value);
        const next = configs[index + 1];
        if (next && next.kind !== 'text') focusWidget(index + 1);
        return;
      }
      case 'move':
        focusWidget(index + action.delta);
        return;
      case 'submit':
        submit();
        return;
      case 'skip':
        openSkip();
        return;
      case 'help':
        setHelp((h) => !h);
        return;
      case 'edit-output':
        outputRef.current?.focus();
        return;
      case 'comment':
        commentRef.current?.focus();
        return;
      case 'instructions':
        setShowInstructions((s) => !s);
        return;
      case 'trace':
        setTraceOpen((t) => !t);
        return;
      case 'escape':
        if (help) setHelp(false);
        else if (skipping) {
          setSkipping(false);
          focusWidget(index);
        } else if (target instanceof HTMLTextAreaElement || target instanceof HTMLInputElement) {
          // Leave a text field: back to the score last worked on (a number field is a score itself).
          const widget = widgets.current.get(configs[index]?.id ?? -1);
          if (widget === target || !widget) (target as HTMLElement).blur();
          else focusWidget(index);
        }
        return;
      case 'none':
        return;
    }
  };
  const keyHandler = useRef<(e: KeyboardEvent) => void>(() => undefined);
  keyHandler.current = (e: KeyboardEvent) => {
    if (!item || e.defaultPrevented || e.isComposing) return;
    const place = focusPlace(e.target);
    const config = configs.find((c) => c.id === activeId) ?? null;
    const action = reviewAction({ key: e.key, ctrl: e.ctrlKey, meta: e.metaKey, alt: e.altKey }, place, config, help || skipping);
    if (action.type === 'none') return;
    e.preventDefault();
    perform(action, e.target);
  };
  useEffect(() => {
    const listener = (e: KeyboardEvent) => keyHandler.current(e);
    document.addEventListener('keydown', listener);
    return () => document.removeEventListener('keydown', listener);
  }, []);

  const error = loadError ?? flow.error;
  return (
    <section className="page annotation-page ann-review" aria-labelledby="page-title">
      <header className="ann-review-head">
        <p className="breadcrumbs">
          <Link to="/annotation">Annotation</Link> /
        </p>
        <h1 id="page-title">{queue?.name ?? 'Review'}</h1>
        {item && flow.state === 'ready' && <Progress item={item} />}
        {item?.claim && (
          <span className="muted small" title="Others cannot take this item until then" data-testid="claim-expiry">
            held until {timeText(item.claim.expires_at)}
          </span>
        )}
        {flow.busy && <span className="muted small">saving…</span>}
        <button type="button" className="button-small ann-help-button" onClick={() => setHelp((h) => !h)} title="Keyboard shortcuts (?)">
          Shortcuts <kbd>?</kbd>
        </button>
      </header>
      {help && <ShortcutSheet onClose={() => setHelp(false)} />}
      {error !== null && <ErrorNotice error={error} onDismiss={flow.dismiss} />}
      {flow.notice && (
        <p className="notice" role="status" data-testid="review-notice">
          {flow.notice}
        </p>
      )}
      {queue?.instructions && flow.state !== 'done' && (
        <details className="ann-instructions" open={showInstructions} onToggle={(e) => setShowInstructions(e.currentTarget.open)}>
          <summary>
            Instructions <span className="muted small">· i</span>
          </summary>
          <Markdown source={queue.instructions} />
        </details>
      )}
      {flow.state === 'loading' && error === null && <p className="muted">Claiming an item…</p>}
      {flow.state === 'done' && <QueueDone queue={queue} />}
      {flow.state === 'ready' && item && draft && (
        <div className="ann-review-layout">
          <div className="ann-review-main">
            <ItemView item={item} traceOpen={traceOpen} onTraceToggle={setTraceOpen} />
            <ReviewsTable reviews={item.reviews} configs={configs} label="Other reviews" />
          </div>
          <ReviewPanel
            configs={configs}
            draft={draft}
            output={item.output}
            errors={errors}
            activeId={activeId}
            busy={flow.busy}
            skipping={skipping}
            skipReason={skipReason}
            outputRef={outputRef}
            commentRef={commentRef}
            skipRef={skipRef}
            onScore={onScore}
            onFocusScore={setActiveId}
            widgetRef={widgetRef}
            onDraft={updateDraft}
            onSubmit={submit}
            onSkipOpen={openSkip}
            onSkipReason={setSkipReason}
            onSkipConfirm={confirmSkip}
            onSkipCancel={() => setSkipping(false)}
          />
        </div>
      )}
    </section>
  );
}
