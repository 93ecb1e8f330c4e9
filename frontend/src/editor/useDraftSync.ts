/**
 * Autosave of the draft with optimistic locking. A stale save (409 draft_conflict) stops
 * autosaving and keeps the local graph; the user chooses "load latest" (undoable) or
 * "overwrite". Nothing is dropped silently.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError } from '../api/client';
import { getDraft, saveDraft } from '../apps/api';
import type { Issue } from '../apps/types';
import { normalizeGraph } from './model/graph';
import type { GraphDocument } from './useGraphDocument';

export const AUTOSAVE_DELAY_MS = 800;

export type SaveState = 'saved' | 'dirty' | 'saving' | 'error' | 'conflict';

export interface DraftConflict {
  revision: number | null;
  updatedBy: string | null;
  updatedAt: string | null;
  message: string;
}

export interface DraftSync {
  state: SaveState;
  error: unknown;
  conflict: DraftConflict | null;
  savedAt: string | null;
  /** Saves now if anything is unsaved; resolves false when it could not. */
  flush(): Promise<boolean>;
  loadLatest(): Promise<void>;
  overwrite(): Promise<void>;
  /** After a load or restore from the server: that graph and revision are the saved state. */
  adopt(revision: number, savedAt?: string | null): void;
}

export function useDraftSync(
  workspaceId: string,
  appId: string,
  document: GraphDocument,
  onIssues: (issues: Issue[]) => void,
  enabled: boolean,
): DraftSync {
  const [state, setState] = useState<SaveState>('saved');
  const [error, setError] = useState<unknown>(null);
  const [conflict, setConflict] = useState<DraftConflict | null>(null);
  const [savedAt, setSavedAt] = useState<string | null>(null);
  const revisionRef = useRef(0);
  const savedJsonRef = useRef<string | null>(null);
  const inFlight = useRef<Promise<boolean> | null>(null);
  const conflictRef = useRef<DraftConflict | null>(null);
  const onIssuesRef = useRef(onIssues);
  onIssuesRef.current = onIssues;
  const { getGraph, replace, version } = document;

  const adopt = useCallback(
    (revision: number, at: string | null = null) => {
      revisionRef.current = revision;
      savedJsonRef.current = JSON.stringify(getGraph());
      conflictRef.current = null;
      setConflict(null);
      setState('saved');
      if (at) setSavedAt(at);
    },
    [getGraph],
  );

  const saveOnce = useCallback(
    async (revision: number): Promise<boolean> => {
      const graph = getGraph();
      const json = JSON.stringify(graph);
      if (json === savedJsonRef.current && revision === revisionRef.current) {
        setState('saved');
        return true;
      }
      setState('saving');
      try {
        const draft = await saveDraft(workspaceId, appId, graph, revision);
        revisionRef.current = draft.revision;
        savedJsonRef.current = json;
        setSavedAt(draft.updated_at);
        setError(null);
        if (Array.isArray(draft.issues)) onIssuesRef.current(draft.issues);
        // Edits made while the request was out still need saving.
        setState(JSON.stringify(getGraph()) === json ? 'saved' : 'dirty');
        return true;
      } catch (err) {
        if (err instanceof ApiError && err.code === 'draft_conflict') {
          const d = (err.details ?? {}) as { revision?: number; updated_by?: string; updated_at?: string };
          const c: DraftConflict = {
            revision: typeof d.revision === 'number' ? d.revision : null,
            updatedBy: d.updated_by ?? null,
            updatedAt: d.updated_at ?? null,
            message: err.message,
          };
          conflictRef.current = c;
          setConflict(c);
          setState('conflict');
        } else {
          setError(err);
          setState('error');
        }
        return false;
      }
    },
    [workspaceId, appId, getGraph],
  );

  const flush = useCallback(async (): Promise<boolean> => {
    if (conflictRef.current) return false;
    while (inFlight.current) await inFlight.current;
    const p = saveOnce(revisionRef.current);
    inFlight.current = p;
    try {
      return await p;
    } finally {
      inFlight.current = null;
    }
  }, [saveOnce]);

  // Debounced autosave after every content change.
  useEffect(() => {
    if (!enabled || version === 0 || conflictRef.current) return undefined;
    setState((s) => (s === 'saving' ? s : 'dirty'));
    const t = setTimeout(() => void flush(), AUTOSAVE_DELAY_MS);
    return () => clearTimeout(t);
  }, [version, enabled, flush]);

  // Leaving with unsaved work asks first.
  useEffect(() => {
    const onBeforeUnload = (e: BeforeUnloadEvent) => {
      if (JSON.stringify(getGraph()) !== savedJsonRef.current) {
        e.preventDefault();
      }
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, [getGraph]);

  const loadLatest = useCallback(async () => {
    const draft = await getDraft(workspaceId, appId);
    // One undoable step: Ctrl+Z brings the local version back.
    replace(normalizeGraph(draft.graph));
    adopt(draft.revision, draft.updated_at);
    onIssuesRef.current(draft.issues ?? []);
  }, [workspaceId, appId, replace, adopt]);

  const overwrite = useCallback(async () => {
    const c = conflictRef.current;
    let revision = c?.revision ?? null;
    if (revision === null) revision = (await getDraft(workspaceId, appId)).revision;
    conflictRef.current = null;
    setConflict(null);
    savedJsonRef.current = null;
    await saveOnce(revision);
  }, [workspaceId, appId, saveOnce]);

  return { state, error, conflict, savedAt, flush, loadLatest, overwrite, adopt };
}
