/** The review screen's items: the one shown, one more claimed in advance so that "next" is
 * instant, and what happens on submit or skip (the server answers the next item in the same
 * call). A failed submit brings the item back as it was; a lost claim moves on. */
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, isAbortError } from '../api/client';
import { claimNext, releaseItem, skipItem, submitReview } from './api';
import type { Item, ReviewInput, StepResult } from './types';

export type FlowState = 'loading' | 'ready' | 'done';

export interface ReviewFlow {
  item: Item | null;
  state: FlowState;
  busy: boolean;
  notice: string;
  error: unknown;
  submit: (body: ReviewInput) => Promise<boolean>;
  skip: (reason: string) => Promise<boolean>;
  dismiss: () => void;
}

const CLAIM_LOST = 'Your claim on the last item expired and another reviewer took it: that review was not kept. Here is the next item.';

export function useReviewFlow(workspaceId: string, queueId: string): ReviewFlow {
  const [item, setItem] = useState<Item | null>(null);
  const [state, setState] = useState<FlowState>('loading');
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState('');
  const [error, setError] = useState<unknown>(null);
  const preloaded = useRef<Item | null>(null);
  const shown = useRef<Item | null>(null);
  shown.current = item;

  const show = useCallback((next: Item | null) => {
    shown.current = next; // at once: a claim answered before the next render must see it
    setItem(next);
    setState(next ? 'ready' : 'done');
  }, []);

  /** Claims one more item (not the shown one) and keeps it ready. */
  const preload = useCallback(
    (currentId: number) => {
      claimNext(workspaceId, queueId, [currentId])
        .then((next) => {
          // Kept only while the item it follows is still the one shown (never the shown one itself).
          if (shown.current?.id === currentId) preloaded.current = next && next.id !== currentId ? next : null;
        })
        .catch(() => {
          preloaded.current = null;
        });
    },
    [workspaceId, queueId],
  );

  useEffect(() => {
    let live = true;
    claimNext(workspaceId, queueId)
      .then((first) => {
        if (!live) return;
        show(first);
        if (first) preload(first.id);
      })
      .catch((e: unknown) => {
        if (live && !isAbortError(e)) setError(e);
      });
    return () => {
      live = false;
      // Give back what this screen holds, so others need not wait for the lock to expire.
      for (const held of [shown.current, preloaded.current]) {
        if (held?.claim?.mine) void releaseItem(workspaceId, queueId, held.id).catch(() => undefined);
      }
      preloaded.current = null;
    };
  }, [workspaceId, queueId, show, preload]);

  const advance = useCallback(
    async (call: (id: number) => Promise<StepResult>): Promise<boolean> => {
      const previous = shown.current;
      if (!previous || busy) return false;
      const ready = preloaded.current && preloaded.current.id !== previous.id ? preloaded.current : null;
      preloaded.current = null;
      setError(null);
      setNotice('');
      if (ready) show({ ...ready, position: { done: previous.position.done + 1, total: previous.position.total } });
      else setBusy(true);
      try {
        const { next } = await call(previous.id);
        if (ready) {
          // The server's answer is the item already shown: take its fresher claim and position.
          if (next && next.id === ready.id) setItem((current) => (current && current.id === next.id ? { ...current, ...next } : current));
          preload(ready.id);
        } else {
          show(next);
          if (next) preload(next.id);
        }
        return true;
      } catch (err) {
        if (err instanceof ApiError && err.code === 'claim_lost') {
          setNotice(CLAIM_LOST);
          if (ready) preload(ready.id);
          else {
            const next = await claimNext(workspaceId, queueId, [previous.id]).catch(() => null);
            show(next);
            if (next) preload(next.id);
          }
          return true;
        }
        // Bring the item back as it was (its drafts are kept by id), the claimed one stays ready.
        preloaded.current = ready;
        show(previous);
        setError(err);
        return false;
      } finally {
        setBusy(false);
      }
    },
    [busy, show, preload, workspaceId, queueId],
  );

  const submit = useCallback(
    (body: ReviewInput) => advance((id) => submitReview(workspaceId, queueId, id, body)),
    [advance, workspaceId, queueId],
  );
  const skip = useCallback(
    (reason: string) => advance((id) => skipItem(workspaceId, queueId, id, reason)),
    [advance, workspaceId, queueId],
  );
  const dismiss = useCallback(() => {
    setError(null);
    setNotice('');
  }, []);

  return { item, state, busy, notice, error, submit, skip, dismiss };
}
