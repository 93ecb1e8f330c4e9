/**
 * The past run the editor shows, as the address names it: `/app/apps/<app>?run=<run id>`. The
 * address is where that choice lives, so a reload keeps the run, back and forward move between
 * the runs seen and the draft, and the link can be sent to a teammate. The run detail page's
 * "open on canvas" and the run panel's recent runs lead here.
 */
import { useCallback } from 'react';
import { useSearchParams } from 'react-router';

const PARAM = 'run';

export interface RequestedRun {
  /** The run the address names, or null: the draft (or a version) is shown. */
  runId: string | null;
  /** Names a run in the address (a new history entry, so Back returns to what was shown). */
  show: (runId: string) => void;
  /** Drops the run from the address; `replace` when leaving it should not be a step of history. */
  leave: (opts?: { replace?: boolean }) => void;
}

export function useRequestedRun(): RequestedRun {
  const [searchParams, setSearchParams] = useSearchParams();
  const runId = searchParams.get(PARAM) || null;

  const show = useCallback(
    (id: string) => {
      if (id === runId) return;
      setSearchParams((p) => {
        const next = new URLSearchParams(p);
        next.set(PARAM, id);
        return next;
      });
    },
    [runId, setSearchParams],
  );
  const leave = useCallback(
    (opts?: { replace?: boolean }) => {
      if (runId === null) return;
      setSearchParams(
        (p) => {
          const next = new URLSearchParams(p);
          next.delete(PARAM);
          return next;
        },
        { replace: opts?.replace ?? false },
      );
    },
    [runId, setSearchParams],
  );
  return { runId, show, leave };
}
