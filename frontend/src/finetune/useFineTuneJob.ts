/** A fine-tuning job, kept fresh: read once, then every 1.5 s while it trains, merges or is being
 * evaluated (the step, the loss curve, tokens/s and the ETA are on the job itself). */
import { useCallback, useEffect, useState } from 'react';
import { isAbortError } from '../api/client';
import { useSession } from '../session';
import { getFineTune } from './api';
import { isLive } from './parts';
import type { FineTuneJob } from './types';

export const POLL_MS = 1500;

export function useFineTuneJob(jobId: string) {
  const { workspaceId } = useSession();
  const [job, setJob] = useState<FineTuneJob | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);

  const refresh = useCallback(
    (signal?: AbortSignal) =>
      getFineTune(workspaceId, jobId, signal)
        .then((fresh) => {
          setJob(fresh);
          setLoadError(null);
        })
        .catch((e: unknown) => {
          if (!isAbortError(e)) setLoadError(e);
        }),
    [workspaceId, jobId],
  );

  useEffect(() => {
    const controller = new AbortController();
    void refresh(controller.signal);
    return () => controller.abort();
  }, [refresh]);

  const live = job !== null && isLive(job);
  useEffect(() => {
    if (!live) return undefined;
    const controller = new AbortController();
    const timer = setInterval(() => void refresh(controller.signal), POLL_MS);
    return () => {
      clearInterval(timer);
      controller.abort();
    };
  }, [live, refresh]);

  return { job, setJob, loadError, refresh };
}
