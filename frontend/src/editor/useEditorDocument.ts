/**
 * The app's graph as the editor holds it: the working copy with undo (useGraphDocument), its
 * checklist issues (useValidation) and its autosave (useDraftSync). Starts from the draft the
 * page loaded; a restored version replaces it.
 */
import { useCallback, useEffect } from 'react';
import type { Draft, Issue } from '../apps/types';
import type { KeyedStore } from './model/keyedStore';
import { normalizeGraph } from './model/graph';
import { useDraftSync, type DraftSync } from './useDraftSync';
import { useGraphDocument, type GraphDocument } from './useGraphDocument';
import { useValidation } from './useValidation';

export interface EditorDocument {
  graph: GraphDocument;
  validation: ReturnType<typeof useValidation>;
  sync: DraftSync;
  /** A draft from the server (after restoring a version) becomes the working copy and the saved state. */
  restore: (draft: Draft) => void;
}

export function useEditorDocument(
  workspaceId: string,
  appId: string,
  draft: Draft,
  issueStore: KeyedStore<Issue[]>,
  canEdit: boolean,
): EditorDocument {
  const graph = useGraphDocument();
  const validation = useValidation(workspaceId, appId, graph, issueStore, canEdit);
  const sync = useDraftSync(workspaceId, appId, graph, validation.setIssues, canEdit);
  const { load, replace } = graph.ops;
  const { adopt } = sync;
  const { setIssues } = validation;

  // First load: the draft is the saved state.
  useEffect(() => {
    load(normalizeGraph(draft.graph));
    adopt(draft.revision, draft.updated_at);
    setIssues(draft.issues ?? []);
  }, [draft, load, adopt, setIssues]);

  const restore = useCallback(
    (d: Draft) => {
      replace(normalizeGraph(d.graph));
      adopt(d.revision, d.updated_at);
      setIssues(d.issues ?? []);
    },
    [replace, adopt, setIssues],
  );

  return { graph, validation, sync, restore };
}
