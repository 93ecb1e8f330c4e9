/** ?run=<id> (the run detail page's "open on canvas"): shows that run read-only, then drops the
 * parameter from the address. */
import { useEffect } from 'react';
import { useSearchParams } from 'react-router';

export function useRequestedRun(openRun: (runId: string) => void): void {
  const [searchParams, setSearchParams] = useSearchParams();
  const requestedRun = searchParams.get('run');
  useEffect(() => {
    if (!requestedRun) return;
    openRun(requestedRun);
    setSearchParams(
      (p) => {
        p.delete('run');
        return p;
      },
      { replace: true },
    );
  }, [requestedRun, openRun, setSearchParams]);
}
