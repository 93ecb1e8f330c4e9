/**
 * Debug runs of the app: starts them, follows their events over the workspace websocket
 * (filtered by run id; events that arrive before the POST answers are kept), mirrors the
 * node states of the shown run onto the canvas, and lists recent runs.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { getLastRuns, getRun, listRuns, startNodeRun, startRun } from '../../apps/api';
import type { Run, RunEventMessage, Trace } from '../../apps/types';
import { EventSocket, websocketUrl, type ConnectionState } from '../../realtime/eventSocket';
import type { NodeRunState } from '../context';
import type { KeyedStore } from '../model/keyedStore';
import { applyRunEvent, emptyLiveRun, liveRunFromServer, type LiveRun } from '../../traces/liveRun';

function isRunEvent(data: unknown): data is RunEventMessage {
  if (typeof data !== 'object' || data === null) return false;
  const d = data as { type?: unknown; run_id?: unknown; event?: unknown };
  return d.type === 'run.event' && typeof d.run_id === 'string' && typeof d.event === 'object' && d.event !== null;
}

export interface RunSession {
  connection: ConnectionState;
  /** The run the panel and the canvas show (live or reopened). */
  shown: LiveRun | null;
  shownRun: Run | null;
  starting: boolean;
  error: unknown;
  recent: Run[];
  lastRuns: Record<string, Trace>;
  start(inputs: Record<string, unknown>): Promise<void>;
  startNode(nodeId: string, variables: Record<string, unknown>): Promise<void>;
  open(runId: string): Promise<Run | null>;
  clearShown(): void;
  refreshRecent(): void;
}

const MAX_BUFFERED_RUNS = 20;

export function useRunSession(workspaceId: string, appId: string, statusStore: KeyedStore<NodeRunState>): RunSession {
  const [connection, setConnection] = useState<ConnectionState>('connecting');
  const [shown, setShown] = useState<LiveRun | null>(null);
  const [shownRun, setShownRun] = useState<Run | null>(null);
  const [starting, setStarting] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [recent, setRecent] = useState<Run[]>([]);
  const [lastRuns, setLastRuns] = useState<Record<string, Trace>>({});
  const runs = useRef(new Map<string, LiveRun>());
  const shownId = useRef<string | null>(null);

  const refreshRecent = useCallback(() => {
    listRuns(workspaceId, appId, 20).then(setRecent).catch(() => undefined);
  }, [workspaceId, appId]);
  const refreshLastRuns = useCallback(() => {
    getLastRuns(workspaceId, appId).then(setLastRuns).catch(() => undefined);
  }, [workspaceId, appId]);

  useEffect(() => {
    refreshRecent();
    refreshLastRuns();
  }, [refreshRecent, refreshLastRuns]);

  const mirror = useCallback(
    (run: LiveRun | null) => {
      const entries = new Map<string, NodeRunState>();
      if (run) {
        for (const [id, n] of Object.entries(run.nodes)) {
          const prev = statusStore.get(id);
          const message = n.error?.message;
          entries.set(id, prev && prev.status === n.status && prev.message === message ? prev : { status: n.status, message });
        }
      }
      statusStore.replace(entries);
    },
    [statusStore],
  );

  const show = useCallback(
    (run: LiveRun | null) => {
      shownId.current = run?.id ?? null;
      setShown(run);
      mirror(run);
    },
    [mirror],
  );

  const finish = useCallback(
    (runId: string) => {
      getRun(workspaceId, runId)
        .then((full) => {
          if (shownId.current === runId) {
            setShownRun(full);
            // Keep the streamed text; take traces and outputs from the server's record.
            const live = runs.current.get(runId);
            const merged = { ...liveRunFromServer(full), deltas: live?.deltas ?? {} };
            runs.current.set(runId, merged);
            show(merged);
          }
        })
        .catch(() => undefined);
      refreshRecent();
      refreshLastRuns();
    },
    [workspaceId, show, refreshRecent, refreshLastRuns],
  );

  const onMessage = useRef<(data: unknown) => void>(() => undefined);
  onMessage.current = (data: unknown) => {
    if (!isRunEvent(data)) return;
    const prev = runs.current.get(data.run_id) ?? emptyLiveRun(data.run_id);
    const next = applyRunEvent(prev, data.event);
    runs.current.set(data.run_id, next);
    if (runs.current.size > MAX_BUFFERED_RUNS) {
      const oldest = runs.current.keys().next().value;
      if (oldest !== undefined && oldest !== shownId.current) runs.current.delete(oldest);
    }
    if (shownId.current === data.run_id) show(next);
    if (data.event.type === 'run.finished' || data.event.type === 'run.failed') finish(data.run_id);
  };

  useEffect(() => {
    if (!workspaceId) return undefined;
    const socket = new EventSocket({
      url: websocketUrl(`/ws/workspaces/${encodeURIComponent(workspaceId)}/events/`),
      onMessage: (d) => onMessage.current(d),
      onStateChange: (s) => setConnection(s),
    });
    const onOnline = () => socket.retryNow();
    window.addEventListener('online', onOnline);
    socket.start();
    return () => {
      window.removeEventListener('online', onOnline);
      socket.stop();
    };
  }, [workspaceId]);

  const begin = useCallback(
    async (request: () => Promise<Run>) => {
      setStarting(true);
      setError(null);
      try {
        const run = await request();
        setShownRun(run);
        const live = runs.current.get(run.id) ?? { ...emptyLiveRun(run.id), status: run.status };
        runs.current.set(run.id, live);
        show(live);
        // The run may have ended before we knew its id.
        if (live.status === 'succeeded' || live.status === 'failed') finish(run.id);
        refreshRecent();
      } catch (err) {
        setError(err);
      } finally {
        setStarting(false);
      }
    },
    [show, finish, refreshRecent],
  );

  const start = useCallback(
    (inputs: Record<string, unknown>) => begin(() => startRun(workspaceId, appId, inputs, null)),
    [begin, workspaceId, appId],
  );
  const startNode = useCallback(
    (nodeId: string, variables: Record<string, unknown>) =>
      begin(() => startNodeRun(workspaceId, appId, nodeId, variables)),
    [begin, workspaceId, appId],
  );

  const open = useCallback(
    async (runId: string) => {
      setError(null);
      try {
        const full = await getRun(workspaceId, runId);
        setShownRun(full);
        const live = runs.current.get(runId);
        const view = { ...liveRunFromServer(full), deltas: live?.deltas ?? {} };
        show(view);
        return full;
      } catch (err) {
        setError(err);
        return null;
      }
    },
    [workspaceId, show],
  );

  const clearShown = useCallback(() => {
    setShownRun(null);
    show(null);
  }, [show]);

  return { connection, shown, shownRun, starting, error, recent, lastRuns, start, startNode, open, clearShown, refreshRecent };
}
