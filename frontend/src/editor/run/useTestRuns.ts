/**
 * Test runs as the editor drives them: the run session (live events, recent runs, each node's
 * last run) and the run form; a run of the draft (saved first, refused while the checklist has
 * issues), a past run on a read-only canvas, one node run on its own, and the way back to the
 * draft. Each of them opens the run drawer.
 *
 * A past run is named by the address (`?run=<id>`, see useRequestedRun) and everything shown of it
 * comes from that one run's record: its trace and statuses, its graph on the canvas, and the
 * inputs in the form (read-only). The values typed for the next test run stay with the draft: they
 * never stand next to a past run's result.
 */
import { useCallback, useEffect, useMemo, useRef } from 'react';
import type { Issue } from '../../apps/types';
import type { EditorStores } from '../context';
import type { DraftSync } from '../useDraftSync';
import type { GraphDocument } from '../useGraphDocument';
import type { ViewMode } from '../useViewMode';
import { coerceInput, type RunForm } from './RunPanel';
import { formValuesOf } from './runInputs';
import { useRequestedRun } from './useRequestedRun';
import { useRunSession, type RunSession } from './useRunSession';
import { useRunValues, type FormValues } from './useRunValues';

export interface TestRuns {
  session: RunSession;
  /** The run form as shown (its issues aside): the draft's inputs with the values typed, or
   * read-only the inputs of the past run shown. */
  form: Omit<RunForm, 'issues'>;
  /** Runs the draft with the form's values (from a past run: with that run's inputs). */
  start: () => void;
  /** Shows a past run (its trace, and its graph read-only on the canvas): the address names it. */
  open: (runId: string) => void;
  /** Opens the run drawer on a past run (an API run, a publish check). */
  openInDrawer: (runId: string) => void;
  runNode: (nodeId: string, variables: Record<string, unknown>) => void;
  backToDraft: () => void;
}

const IGNORE_VALUES = () => undefined;

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
  view: Pick<ViewMode, 'view' | 'editing' | 'edit' | 'showRun'>;
  openDrawer: (drawer: 'run') => void;
  onError: (err: unknown) => void;
}): TestRuns {
  const session = useRunSession(workspaceId, appId, stores.status);
  const { values, setValues, remember } = useRunValues(appId);
  const requested = useRequestedRun();
  const { runId: requestedId, show: nameRun, leave: leaveAddress } = requested;
  const { editing, edit, showRun } = view;
  const kind = view.view.kind;
  const { getGraph } = graph.ops;
  const draftInputs = graph.doc.meta.inputs;
  const { start: startSession, startNode, open: openSession, clearShown, shownRun } = session;
  /** The past run the view and the session were last set to show (from the address), or null. */
  const applied = useRef<string | null>(null);

  /** Leaves a past run for the draft: the address, the canvas and the run shown. */
  const leavePastRun = useCallback(() => {
    applied.current = null;
    leaveAddress();
    edit();
    clearShown();
  }, [leaveAddress, edit, clearShown]);

  // The address -> what is shown. A run named there is loaded and shown (nothing of the run shown
  // before stays while it loads); leaving it (Back, a link to the bare editor) shows the draft.
  useEffect(() => {
    if (requestedId === applied.current) return;
    const was = applied.current;
    applied.current = requestedId;
    if (requestedId === null) {
      if (was !== null) {
        edit();
        clearShown();
      }
      return;
    }
    openDrawer('run');
    clearShown();
    void openSession(requestedId).then((run) => {
      if (applied.current !== requestedId) return; // another run (or the draft) was asked for since
      if (run) showRun(requestedId, run.graph ?? getGraph());
      else leaveAddress({ replace: true }); // it could not be loaded: the panel says why, the draft stays
    });
  }, [requestedId, edit, clearShown, openDrawer, openSession, showRun, getGraph, leaveAddress]);

  // A version or a diff opened over a past run replaces it: the address stops naming the run (Back
  // returns to it) and its statuses leave the canvas.
  const lastKind = useRef(kind);
  useEffect(() => {
    const was = lastKind.current;
    lastKind.current = kind;
    if (was === 'run' && (kind === 'version' || kind === 'diff') && applied.current !== null) {
      applied.current = null;
      leaveAddress();
      clearShown();
    }
  }, [kind, leaveAddress, clearShown]);

  const pastRun = requestedId !== null && shownRun?.id === requestedId ? shownRun : null;
  const pastInputs = requestedId === null ? null : (pastRun?.graph?.inputs ?? draftInputs);
  const pastValues = useMemo<FormValues>(
    () => (pastRun && pastInputs ? formValuesOf(pastInputs, pastRun.inputs ?? {}) : {}),
    [pastRun, pastInputs],
  );

  const running = session.active !== null;
  const startRun = useCallback(async () => {
    openDrawer('run');
    if (issues.length > 0 || !canEdit || running) return; // one run at a time: Stop it first
    // From a past run: the draft runs again with that run's inputs, which the form then keeps.
    const fromPast = applied.current !== null;
    const started = fromPast ? { ...values, ...pastValues } : values;
    if (fromPast) {
      setValues(started);
      leavePastRun();
    } else if (!editing) edit();
    if (!(await flush())) {
      onError(new Error('The draft could not be saved, so the run would not use your latest changes. Resolve the save problem first.'));
      return;
    }
    const typed = Object.fromEntries(draftInputs.map((i) => [i.name, coerceInput(i, started[i.name] ?? '')]));
    remember(started);
    await startSession(typed);
  }, [
    openDrawer, issues.length, canEdit, running, values, pastValues, setValues, leavePastRun, editing, edit, flush, onError,
    draftInputs, remember, startSession,
  ]);

  const runNode = useCallback(
    async (nodeId: string, variables: Record<string, unknown>) => {
      if (running) {
        openDrawer('run');
        return;
      }
      if (applied.current !== null) leavePastRun();
      if (!(await flush())) return;
      openDrawer('run');
      await startNode(nodeId, variables);
    },
    [running, leavePastRun, flush, openDrawer, startNode],
  );

  const start = useCallback(() => void startRun(), [startRun]);
  const open = useCallback((runId: string) => nameRun(runId), [nameRun]);
  const openInDrawer = useCallback(
    (runId: string) => {
      openDrawer('run');
      nameRun(runId);
    },
    [openDrawer, nameRun],
  );
  const runNodeNow = useCallback((nodeId: string, variables: Record<string, unknown>) => void runNode(nodeId, variables), [runNode]);
  const backToDraft = useCallback(() => {
    leavePastRun();
  }, [leavePastRun]);

  const form = useMemo<Omit<RunForm, 'issues'>>(
    () =>
      pastInputs
        ? { inputs: pastInputs, values: pastValues, onValues: IGNORE_VALUES, onStart: start, readOnly: true }
        : { inputs: draftInputs, values, onValues: setValues, onStart: start, readOnly: false },
    [pastInputs, pastValues, draftInputs, values, setValues, start],
  );

  return { session, form, start, open, openInDrawer, runNode: runNodeNow, backToDraft };
}
