/**
 * Debug runs of the app: starts them, follows their events over the workspace websocket
 * (filtered by run id; events that arrive before the POST answers are kept), mirrors the
 * node states of the shown run onto the canvas, lists recent runs, and stops the run in progress
 * (one at a time: no other starts until it has ended).
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { cancelRun, getLastRuns, getRun, listRuns, startNodeRun, startRun } from '../../apps/api';
import { ApiError } from '../../api/client';
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
  /** The run started here that has not ended yet (shown or not): Start waits, Stop stops it. */
  active: string | null;
  /** Stop was asked for the active run; it ends within a second or two. */
  stopping: boolean;
  error: unknown;
  recent: Run[];
  lastRuns: Record<string, Trace>;
  start(inputs: Record<string, unknown>): Promise<void>;
  startNode(nodeId: string, variables: Record<string, unknown>): Promise<void>;
  /** Stops the active run: in-flight model calls are dropped, it ends `cancelled`. */
  stop(): Promise<void>;
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
  const [active, setActiveState] = useState<string | null>(null);
  const [stopping, setStopping] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [recent, setRecent] = useState<Run[]>([]);
  const [lastRuns, setLastRuns] = useState<Record<string, Trace>>({});
  const runs = useRef(new Map<string, LiveRun>());
  const shownId = useRef<string | null>(null);
  /** The past run being loaded; an answer for an earlier one (since replaced) is dropped. */
  const opening = useRef<string | null>(null);
  const activeId = useRef<string | null>(null);
  const startingNow = useRef(false);
  const setActive = useCallback((runId: string | null) => {
    activeId.current = runId;
    setActiveState(runId);
    setStopping(false);
  }, []);
  /** The active run ended (its terminal event, or its record says so). */
  const ended = useCallback(
    (runId: string) => {
      if (activeId.current === runId) setActive(null);
    },
    [setActive],
  );

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
      ended(runId);
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
    [workspaceId, show, refreshRecent, refreshLastRuns, ended],
  );

  // Events sent while the socket was down are lost: an active run that ended meanwhile is read back.
  const onReconnect = useRef<() => void>(() => undefined);
  onReconnect.current = () => {
    const runId = activeId.current;
    if (!runId) return;
    getRun(workspaceId, runId)
      .then((run) => {
        if (run.status === 'succeeded' || run.status === 'failed' || run.status === 'cancelled') finish(runId);
      })
      .catch(() => undefined);
  };

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
      onStateChange: (s) => {
        setConnection(s);
        if (s === 'open') onReconnect.current();
      },
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
      if (activeId.current || startingNow.current) return; // one run at a time: Stop it first
      startingNow.current = true;
      opening.current = null;
      setStarting(true);
      setError(null);
      try {
        const run = await request();
        setShownRun(run);
        const live = runs.current.get(run.id) ?? { ...emptyLiveRun(run.id), status: run.status };
        runs.current.set(run.id, live);
        show(live);
        // The run may have ended before we knew its id.
        if (live.status === 'succeeded' || live.status === 'failed' || live.status === 'cancelled') finish(run.id);
        else setActive(run.id);
        refreshRecent();
      } catch (err) {
        setError(err);
      } finally {
        startingNow.current = false;
        setStarting(false);
      }
    },
    [show, finish, refreshRecent, setActive],
  );

  const stop = useCallback(async () => {
    const runId = activeId.current;
    if (!runId) return;
    setStopping(true);
    setError(null);
    try {
      const run = await cancelRun(workspaceId, runId);
      // A queued run is cancelled at once and sends no events; a running one ends over the socket.
      if (run.status === 'cancelled') finish(runId);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'run_finished') finish(runId);
      else {
        setStopping(false);
        setError(err);
      }
    }
  }, [workspaceId, finish]);

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
      opening.current = runId;
      try {
        const full = await getRun(workspaceId, runId);
        if (opening.current !== runId) return null;
        setShownRun(full);
        const live = runs.current.get(runId);
        const view = { ...liveRunFromServer(full), deltas: live?.deltas ?? {} };
        show(view);
        return full;
      } catch (err) {
        if (opening.current === runId) setError(err);
        return null;
      }
    },
    [workspaceId, show],
  );

  const clearShown = useCallback(() => {
    opening.current = null;
    setShownRun(null);
    show(null);
  }, [show]);

  return {
    connection,
    shown,
    shownRun,
    starting,
    active,
    stopping,
    error,
    recent,
    lastRuns,
    start,
    startNode,
    stop,
    open,
    clearShown,
    refreshRecent,
  };
}
