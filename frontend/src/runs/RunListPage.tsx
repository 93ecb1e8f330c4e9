/** Every run of the workspace — test runs, single nodes, API and chat calls — newest first, with
 * filters kept in the URL (a filtered view can be shared and reloaded). A row opens the run. */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Link, useLocation, useNavigate, useSearchParams } from 'react-router';
import { isAbortError } from '../api/client';
import { ErrorNotice } from '../components/ErrorNotice';
import { formatMs } from '../traces/format';
import { relativeTime } from '../publishing/model';
import { AddToQueue } from '../annotation/AddToQueue';
import { AddToDataset } from '../evaluations/AddToDataset';
import { canBuild } from '../prompts/parts';
import { useSession } from '../session';
import { listWorkspaceRuns } from './api';
import { activeFilterCount, filtersFromQuery, filtersToQuery, NO_FILTERS, sourceName, type RunFilters } from './filters';
import { costText, keyText, runSubject, shortId, tokensText, versionText } from './format';
import { RunFilterBar } from './RunFilterBar';
import './runs.css';
import type { RunRow } from './types';

const PAGE_SIZE = 50;

function RunTableRow({ run, onOpen, from, selected, onSelect }: {
  run: RunRow;
  onOpen: () => void;
  from: string;
  selected: boolean;
  onSelect: (selected: boolean) => void;
}) {
  return (
    <tr className="run-row" onClick={onOpen} data-testid="run-row" data-status={run.status} data-run-id={run.id}>
      <td onClick={(e) => e.stopPropagation()}>
        <input type="checkbox" aria-label={`Select run ${shortId(run.id)}`} checked={selected} onChange={(e) => onSelect(e.target.checked)} />
      </td>
      <td>
        <span className={`badge status-badge status-${run.status}`}>{run.status}</span>
      </td>
      <td>
        <Link to={`/runs/${run.id}`} state={{ from }} className="run-link mono" onClick={(e) => e.stopPropagation()} aria-label={`Run ${shortId(run.id)}, ${run.status}, ${runSubject(run)}`}>
          {shortId(run.id)}
        </Link>
        <div className="muted small" title={new Date(run.created_at).toLocaleString()}>
          {relativeTime(run.created_at)}
        </div>
      </td>
      <td>
        <div className="run-app">{runSubject(run)}</div>
        {run.error && (
          <div className="run-row-error small" title={run.error.message}>
            {run.error.code}
          </div>
        )}
      </td>
      <td>{versionText(run)}</td>
      <td>{sourceName(run.source)}</td>
      <td className="small">{run.key ? keyText(run.key) : <span className="muted">—</span>}</td>
      <td className="num">{tokensText(run)}</td>
      <td className="num">{costText(run.cost)}</td>
      <td className="num">{typeof run.latency_ms === 'number' ? formatMs(run.latency_ms) : '—'}</td>
    </tr>
  );
}

export function RunListPage() {
  const { workspaceId, role } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => filtersFromQuery(params), [params]);
  const queryKey = filtersToQuery(filters).toString();
  const [rows, setRows] = useState<RunRow[] | null>(null);
  const [count, setCount] = useState(0);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(false);
  const [reload, setReload] = useState(0);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const editable = canBuild(role);
  const current = useRef<AbortController | null>(null);

  const load = useCallback(
    (offset: number) => {
      current.current?.abort();
      const controller = new AbortController();
      current.current = controller;
      setLoading(true);
      listWorkspaceRuns(workspaceId, filtersFromQuery(new URLSearchParams(queryKey)), { offset, limit: PAGE_SIZE }, controller.signal)
        .then((page) => {
          setRows((before) => {
            if (offset === 0 || !before) return page.results;
            const seen = new Set(before.map((r) => r.id));
            return [...before, ...page.results.filter((r) => !seen.has(r.id))];
          });
          setCount(page.count ?? page.results.length);
          setError(null);
        })
        .catch((err: unknown) => {
          if (!isAbortError(err)) setError(err);
        })
        .finally(() => {
          if (current.current === controller) setLoading(false);
        });
    },
    [workspaceId, queryKey],
  );

  useEffect(() => {
    load(0);
    return () => current.current?.abort();
  }, [load, reload]);

  const change = (next: RunFilters, opts: { replace?: boolean } = {}) => setParams(filtersToQuery(next), { replace: opts.replace });
  const filtered = activeFilterCount(filters) > 0;
  const from = location.search;

  return (
    <section className="page page-runs" aria-labelledby="page-title">
      <header className="runs-page-head">
        <div>
          <h1 id="page-title">Runs</h1>
          <p className="muted">Every run of every app — test runs, single nodes, API and chat calls — with its trace.</p>
        </div>
        <button type="button" onClick={() => setReload((n) => n + 1)} disabled={loading} title="Load the newest runs">
          {loading ? 'Refreshing…' : 'Refresh'}
        </button>
      </header>

      <RunFilterBar workspaceId={workspaceId} filters={filters} onChange={change} />

      {error !== null && (
        <>
          <ErrorNotice error={error} onDismiss={() => setError(null)} />
          {filtered && (
            <p>
              <button type="button" onClick={() => change(NO_FILTERS)}>
                Clear filters
              </button>
            </p>
          )}
        </>
      )}

      {rows === null ? (
        error === null && <p className="muted">Loading runs…</p>
      ) : rows.length === 0 ? (
        <div className="empty-state" data-testid="runs-empty">
          {filtered ? (
            <>
              <p className="empty-title">No run matches these filters</p>
              <p className="muted">Widen the time range, pick other statuses, or clear the filters.</p>
              <button type="button" onClick={() => change(NO_FILTERS)}>
                Clear filters
              </button>
            </>
          ) : (
            <>
              <p className="empty-title">No runs yet</p>
              <p className="muted">
                Open an app and press <strong>Run</strong> to test it, or publish it and call its endpoint: every run shows up here with
                its trace, tokens, cost and latency.
              </p>
              <Link to="/">Go to Apps</Link>
            </>
          )}
        </div>
      ) : (
        <>
          <p className="muted small runs-count" data-testid="runs-count" aria-live="polite">
            {count === rows.length ? `${count} run${count === 1 ? '' : 's'}` : `Showing ${rows.length} of ${count} runs`}
          </p>
          {selected.size > 0 && editable && <AddToDataset runIds={[...selected]} />}
          {selected.size > 0 && editable && <AddToQueue runIds={[...selected]} />}
          <div className="runs-table-wrap">
            <table className="runs-table" aria-label="Runs" aria-busy={loading}>
              <thead>
                <tr>
                  <th scope="col">
                    <input
                      type="checkbox"
                      aria-label="Select every run shown"
                      checked={rows.length > 0 && rows.every((r) => selected.has(r.id))}
                      onChange={(e) => setSelected(e.target.checked ? new Set(rows.map((r) => r.id)) : new Set())}
                    />
                  </th>
                  <th scope="col">Status</th>
                  <th scope="col">Run</th>
                  <th scope="col">App</th>
                  <th scope="col">Version</th>
                  <th scope="col">Source</th>
                  <th scope="col">API key</th>
                  <th scope="col" className="num" title="Tokens in → out">
                    Tokens
                  </th>
                  <th scope="col" className="num">
                    Cost
                  </th>
                  <th scope="col" className="num">
                    Latency
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((run) => (
                  <RunTableRow
                    key={run.id}
                    run={run}
                    from={from}
                    onOpen={() => navigate(`/runs/${run.id}`, { state: { from } })}
                    selected={selected.has(run.id)}
                    onSelect={(on) =>
                      setSelected((s) => {
                        const next = new Set(s);
                        if (on) next.add(run.id);
                        else next.delete(run.id);
                        return next;
                      })
                    }
                  />
                ))}
              </tbody>
            </table>
          </div>
          {rows.length < count && (
            <p className="runs-more">
              <button type="button" onClick={() => load(rows.length)} disabled={loading}>
                {loading ? 'Loading…' : `Load ${Math.min(PAGE_SIZE, count - rows.length)} more`}
              </button>
            </p>
          )}
        </>
      )}
    </section>
  );
}
