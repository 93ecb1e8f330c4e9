import { useEffect, useRef, useState } from 'react';
import type { JobEvent } from '../api/types';
import { EventSocket, websocketUrl, type ConnectionState } from './eventSocket';

export function isJobEvent(data: unknown): data is JobEvent {
  if (typeof data !== 'object' || data === null) return false;
  const { type, job } = data as { type?: unknown; job?: unknown };
  return (
    (type === 'job.started' || type === 'job.progress' || type === 'job.finished' || type === 'job.failed') &&
    typeof job === 'object' &&
    job !== null &&
    'id' in job
  );
}

export interface WorkspaceEvents {
  state: ConnectionState;
  retryInMs: number | null;
}

/**
 * Keeps a websocket open to /ws/workspaces/<id>/events/ while mounted and
 * hands every job event to `onJobEvent` (the latest callback is always used).
 */
export function useWorkspaceEvents(
  workspaceId: string,
  onJobEvent: (event: JobEvent) => void,
): WorkspaceEvents {
  const [status, setStatus] = useState<WorkspaceEvents>({ state: 'connecting', retryInMs: null });
  const handler = useRef(onJobEvent);
  useEffect(() => {
    handler.current = onJobEvent;
  });

  useEffect(() => {
    if (!workspaceId) {
      setStatus({ state: 'closed', retryInMs: null });
      return undefined;
    }
    const socket = new EventSocket({
      url: websocketUrl(`/ws/workspaces/${encodeURIComponent(workspaceId)}/events/`),
      onMessage: (data) => {
        if (isJobEvent(data)) handler.current(data);
      },
      onStateChange: (state, retryInMs) => setStatus({ state, retryInMs }),
    });
    const onOnline = () => socket.retryNow();
    window.addEventListener('online', onOnline);
    socket.start();
    return () => {
      window.removeEventListener('online', onOnline);
      socket.stop();
    };
  }, [workspaceId]);

  return status;
}
