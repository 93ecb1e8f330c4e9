/** API runs tab: the app's calls through the public endpoint, newest first, refreshed while
 * open. A click opens the run in the editor's run drawer (trace) on a read-only canvas. */
import { useCallback, useEffect, useState } from 'react';
import { Link, useInRouterContext } from 'react-router';
import { errorMessage } from '../api/client';
import { formatMs } from '../traces/format';
import { listApiRuns } from './api';
import { relativeTime, runSummary, runTarget } from './model';
import type { ApiRun } from './types';

const POLL_MS = 4000;

/** To the Runs area, filtered to this app (a plain link where no router is around, as in tests). */
function AllRunsLink({ appId }: { appId: string }) {
  const to = `/runs?app=${encodeURIComponent(appId)}`;
  const label = 'View all runs';
  return useInRouterContext() ? (
    <Link to={to} className="button-small all-runs-link" title="Every run of this app, with filters">
      {label}
    </Link>
  ) : (
    <a href={`/app${to}`} className="button-small all-runs-link">
      {label}
    </a>
  );
}

export function RunsTab({ workspaceId, appId, onOpenRun }: { workspaceId: string; appId: string; onOpenRun: (id: string) => void }) {
  const [runs, setRuns] = useState<ApiRun[] | null>(null);
  const [error, setError] = useState<unknown>(null);

  const load = useCallback(
    (signal?: AbortSignal) =>
      listApiRuns(workspaceId, appId, 25, signal).then(
        (r) => (setRuns(r), setError(null)),
        (err) => !signal?.aborted && setError(err),
      ),
    [workspaceId, appId],
  );

  useEffect(() => {
    const ctl = new AbortController();
    void load(ctl.signal);
    const t = setInterval(() => document.visibilityState === 'visible' && void load(ctl.signal), POLL_MS);
    return () => {
      ctl.abort();
      clearInterval(t);
    };
  }, [load]);

  return (
    <div className="runs-tab">
      <div className="runs-head">
        <span className="muted small">Calls through the endpoint (API, OpenAI-compatible, web chat), newest first.</span>
        <span className="runs-head-actions">
          <AllRunsLink appId={appId} />
          <button type="button" className="button-small" onClick={() => void load()}>
            Refresh
          </button>
        </span>
      </div>
      {error !== null && (
        <p className="trace-error" role="alert">
          {errorMessage(error)}
        </p>
      )}
      {runs === null ? (
        <p className="muted">Loading…</p>
      ) : runs.length === 0 ? (
        <p className="muted small">No calls yet. Run a snippet and the call shows up here with its trace.</p>
      ) : (
        <ul className="api-runs" data-testid="api-runs">
          {runs.map((r) => (
            <li key={r.id}>
              <button type="button" className="api-run" onClick={() => onOpenRun(r.id)} title="Open the run's trace" data-testid="api-run" data-status={r.status}>
                <span className={`trace-dot status-${r.status}`} aria-hidden="true" />
                <span className="api-run-main">
                  <span className="api-run-line">
                    <span className={`badge status-badge status-${r.status}`}>{r.status}</span>
                    <span className="api-run-target">{runTarget(r)}</span>
                    {r.source === 'chat' && <span className="badge">openai</span>}
                    {r.source === 'web' && <span className="badge">web chat</span>}
                    <span className="muted small api-run-when" title={new Date(r.created_at).toLocaleString()}>
                      {relativeTime(r.created_at)}
                    </span>
                  </span>
                  <span className="api-run-answer">{runSummary(r)}</span>
                  <span className="api-run-meta muted small">
                    {typeof r.latency_ms === 'number' ? formatMs(r.latency_ms) : '—'} · {r.tokens_in} → {r.tokens_out} tok
                    {r.cost > 0 ? ` · $${r.cost.toFixed(4)}` : ''} · {r.api_key ? `key lsk_${r.api_key}…` : r.source === 'web' ? 'web chat link' : 'no key'}
                    {r.end_user ? ` · user ${r.end_user}` : ''}
                  </span>
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
