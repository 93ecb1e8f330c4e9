/**
 * Test runs as the editor drives them: the run session (live events, recent runs, each node's
 * last run) and the run form's values; a run of the draft (saved first, refused while the
 * checklist has issues), a past run reopened on a read-only canvas, one node run on its own, and
 * the way back to the draft. Each of them opens the run drawer.
 */
import { useCallback } from 'react';
import type { Issue } from '../../apps/types';
import type { EditorStores } from '../context';
import type { DraftSync } from '../useDraftSync';
import type { GraphDocument } from '../useGraphDocument';
import type { ViewMode } from '../useViewMode';
import { coerceInput } from './RunPanel';
import { useRunSession, type RunSession } from './useRunSession';
import { useRunValues } from './useRunValues';

export interface TestRuns {
  session: RunSession;
  /** The run form's values (text as typed), remembered per app when a run starts. */
  values: Record<string, string>;
  setValues: (values: Record<string, string>) => void;
  /** Runs the draft with the form's values. */
  start: () => void;
  /** Shows a past run (its trace, and its graph read-only on the canvas). */
  open: (runId: string) => void;
  /** Opens the run drawer on a past run (an API run, the run page's "open on canvas"). */
  openInDrawer: (runId: string) => void;
  runNode: (nodeId: string, variables: Record<string, unknown>) => void;
  backToDraft: () => void;
}

export function useTestRuns({
  workspaceId,
  appId,
  stores,
  canEdit,
  graph,
  issues,
  flush,
  view,
  openDrawer,
  onError,
}: {
  workspaceId: string;
  appId: string;
  stores: EditorStores;
  canEdit: boolean;
  graph: GraphDocument;
  issues: Issue[];
  flush: DraftSync['flush'];
  view: Pick<ViewMode, 'editing' | 'edit' | 'showRun'>;
  openDrawer: (drawer: 'run') => void;
  onError: (err: unknown) => void;
}): TestRuns {
  const session = useRunSession(workspaceId, appId, stores.status);
  const { values, setValues, remember } = useRunValues(appId);
  const { editing, edit, showRun } = view;
  const { getGraph } = graph.ops;
  const inputs = graph.doc.meta.inputs;
  const { start: startSession, startNode, open: openSession, clearShown } = session;

  const backToDraft = useCallback(() => {
    edit();
    clearShown();
  }, [edit, clearShown]);

  const startRun = useCallback(async () => {
    openDrawer('run');
    if (issues.length > 0 || !canEdit) return;
    if (!editing) edit();
    if (!(await flush())) {
      onError(new Error('The draft could not be saved, so the run would not use your latest changes. Resolve the save problem first.'));
      return;
    }
    const typed = Object.fromEntries(inputs.map((i) => [i.name, coerceInput(i, values[i.name] ?? '')]));
    remember();
    await startSession(typed);
  }, [openDrawer, issues.length, canEdit, editing, edit, flush, onError, inputs, values, remember, startSession]);

  const openRun = useCallback(
    async (runId: string) => {
      const run = await openSession(runId);
      if (run) showRun(runId, run.graph ?? getGraph());
    },
    [openSession, showRun, getGraph],
  );

  const runNode = useCallback(
    async (nodeId: string, variables: Record<string, unknown>) => {
      if (!(await flush())) return;
      openDrawer('run');
      await startNode(nodeId, variables);
    },
    [flush, openDrawer, startNode],
  );

  const start = useCallback(() => void startRun(), [startRun]);
  const open = useCallback((runId: string) => void openRun(runId), [openRun]);
  const openInDrawer = useCallback(
    (runId: string) => {
      openDrawer('run');
      void openRun(runId);
    },
    [openDrawer, openRun],
  );
  const runNodeNow = useCallback((nodeId: string, variables: Record<string, unknown>) => void runNode(nodeId, variables), [runNode]);

  return { session, values, setValues, start, open, openInDrawer, runNode: runNodeNow, backToDraft };
}
