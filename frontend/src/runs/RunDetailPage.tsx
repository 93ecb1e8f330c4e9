/** One run: what it was (app, version, label, key, source), how it went (status, error, tokens,
 * cost, latency, times), its inputs and outputs, and its node trace — the same trace list as the
 * editor's run drawer. Refreshes itself until the run has finished. */
import { useEffect, useMemo, useState } from 'react';
import { Link, useLocation, useParams } from 'react-router';
import { AddToQueue } from '../annotation/AddToQueue';
import { isAbortError } from '../api/client';
import { ErrorNotice } from '../components/ErrorNotice';
import { canBuild } from '../prompts/parts';
import { CopyButton } from '../publishing/copy';
import { useSession } from '../session';
import { formatMs } from '../traces/format';
import { liveRunFromServer } from '../traces/liveRun';
import { Payload } from '../traces/Payload';
import { TraceList } from '../traces/TraceList';
import { getRunDetail } from './api';
import { sourceName } from './filters';
import { costText, FINISHED, keyText, runSubject, shortId, tokensText } from './format';
import './runs.css';
import type { RunDetail } from './types';

const POLL_MS = 2000;

function when(iso: string | null): string {
  return iso ? new Date(iso).toLocaleString() : '—';
}

function JsonBlock({ label, value }: { label: string; value: unknown }) {
  const empty = value === null || value === undefined || (typeof value === 'object' && Object.keys(value as object).length === 0);
  return (
    <section className="run-io" aria-label={label}>
      <div className="run-io-head">
        <h2>{label}</h2>
        {!empty && <CopyButton text={JSON.stringify(value, null, 2)} what={`${label.toLowerCase()} as JSON`} />}
      </div>
      {empty ? <p className="muted small">None.</p> : <Payload label="JSON" value={value} />}
    </section>
  );
}

function Summary({ run, nodeTitle }: { run: RunDetail; nodeTitle: (id: string) => string }) {
  const version =
    run.source === 'playground' ? '—' : run.version !== null ? `v${run.version}` : run.source === 'node' ? 'draft (single node)' : 'draft';
  return (
    <dl className="run-summary" data-testid="run-summary">
      {run.app ? (
        <div>
          <dt>App</dt>
          <dd>
            <Link to={`/apps/${run.app.id}`} data-testid="run-app">
              {run.app.name}
            </Link>{' '}
            <Link to={`/apps/${run.app.id}?run=${encodeURIComponent(run.id)}`} className="small" title="Show this run on the app's canvas, read-only">
              open on canvas
            </Link>
          </dd>
        </div>
      ) : (
        <div>
          <dt>Prompt</dt>
          <dd data-testid="run-app">
            {run.prompt ? <Link to={`/prompts/${run.prompt.prompt_id}`}>{runSubject(run)}</Link> : runSubject(run)}
          </dd>
        </div>
      )}
      <div>
        <dt>Version</dt>
        <dd data-testid="run-version">{version}</dd>
      </div>
      <div>
        <dt>Label</dt>
        <dd data-testid="run-label">{run.label ?? '—'}</dd>
      </div>
      <div>
        <dt>API key</dt>
        <dd data-testid="run-key">{keyText(run.key)}</dd>
      </div>
      {run.end_user && (
        <div>
          <dt>End user</dt>
          <dd>{run.end_user}</dd>
        </div>
      )}
      <div>
        <dt>Source</dt>
        <dd data-testid="run-source">{sourceName(run.source)}</dd>
      </div>
      <div>
        <dt title="Tokens in → out">Tokens</dt>
        <dd>{tokensText(run)}</dd>
      </div>
      <div>
        <dt>Cost</dt>
        <dd>{costText(run.cost)}</dd>
      </div>
      <div>
        <dt>Latency</dt>
        <dd>{typeof run.latency_ms === 'number' ? formatMs(run.latency_ms) : '—'}</dd>
      </div>
      <div>
        <dt>Created</dt>
        <dd>{when(run.created_at)}</dd>
      </div>
      <div>
        <dt>Started</dt>
        <dd>{when(run.started_at)}</dd>
      </div>
      <div>
        <dt>Finished</dt>
        <dd>{when(run.finished_at)}</dd>
      </div>
      {run.error && (
        <div className="run-summary-error">
          <dt>Error</dt>
          <dd role="alert" data-testid="run-error">
            {run.error.message} <span className="notice-code">{run.error.code}</span>
            {run.error.node_id && <span> in {nodeTitle(run.error.node_id)}</span>}
          </dd>
        </div>
      )}
    </dl>
  );
}

export function RunDetailPage() {
  const { runId = '' } = useParams();
  const { workspaceId, role } = useSession();
  const location = useLocation();
  const back = `/runs${(location.state as { from?: string } | null)?.from ?? ''}`;
  const [run, setRun] = useState<RunDetail | null>(null);
  const [error, setError] = useState<unknown>(null);
  const finished = run !== null && FINISHED.includes(run.status);

  useEffect(() => {
    setRun(null);
    setError(null);
  }, [runId]);

  useEffect(() => {
    if (finished) return undefined;
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const fetchRun = () =>
      getRunDetail(workspaceId, runId, controller.signal).then(
        (r) => {
          setRun(r);
          if (!FINISHED.includes(r.status)) timer = setTimeout(fetchRun, POLL_MS);
        },
        (err: unknown) => {
          if (!isAbortError(err)) setError(err);
        },
      );
    void fetchRun();
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [workspaceId, runId, finished]);

  const titles = useMemo(() => new Map((run?.graph?.nodes ?? []).map((n): [string, string] => [n.id, n.title || n.id])), [run?.graph]);
  const nodeTitle = (id: string) => titles.get(id) ?? id;
  const live = useMemo(() => (run ? liveRunFromServer(run) : null), [run]);

  return (
    <section className="page page-runs run-detail" aria-labelledby="page-title">
      <p className="breadcrumbs">
        <Link to={back}>← Runs</Link>
      </p>
      {error !== null && <ErrorNotice error={error} />}
      {run === null ? (
        error === null && <p className="muted">Loading the run…</p>
      ) : (
        <>
          <header className="run-detail-head">
            <h1 id="page-title">
              Run <span className="mono">{shortId(run.id)}</span>
            </h1>
            <span className={`badge status-badge status-${run.status}`} data-testid="run-status">
              {run.status}
            </span>
            {!finished && <span className="muted small">updating…</span>}
            <CopyButton text={run.id} what="run id" label="Copy id" />
          </header>
          <Summary run={run} nodeTitle={nodeTitle} />
          {finished && canBuild(role) && <AddToQueue runIds={[run.id]} />}
          <div className="run-io-grid">
            <JsonBlock label="Inputs" value={run.inputs} />
            <JsonBlock label="Outputs" value={run.outputs} />
          </div>
          <section className="run-trace" aria-labelledby="trace-title">
            <h2 id="trace-title">Trace</h2>
            {live && live.order.length > 0 ? (
              <TraceList live={live} nodeTitle={nodeTitle} />
            ) : (
              <p className="muted small">{finished ? 'No node ran.' : 'No node has finished yet.'}</p>
            )}
          </section>
        </>
      )}
    </section>
  );
}
