/** Settings → Telemetry export: send this workspace's runs and node traces to an OpenTelemetry
 * collector (OTLP/HTTP, GenAI semantic conventions) — Langfuse, Phoenix, Grafana Tempo … Builders
 * and owners change it; everyone else reads it. Header values are write-only: only hints come back. */
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { isAbortError } from '../api/client';
import { ErrorNotice } from '../components/ErrorNotice';
import { useSession } from '../session';
import './telemetry.css';
import {
  type Delivery,
  SOURCES,
  type TelemetryTarget,
  deleteTarget,
  exportNow,
  getTarget,
  saveTarget,
  sendTestSpan,
} from './telemetry';

interface HeaderRow {
  name: string;
  /** Empty: keep the stored value (when `hint` is set). */
  value: string;
  hint: string;
}

interface Draft {
  endpoint: string;
  headers: HeaderRow[];
  enabled: boolean;
  sources: string[];
  include_content: boolean;
}

const EMPTY: Draft = { endpoint: '', headers: [], enabled: true, sources: ['api', 'chat', 'web'], include_content: true };

function draftOf(target: TelemetryTarget | null): Draft {
  if (!target) return EMPTY;
  return {
    endpoint: target.endpoint,
    headers: target.headers.map((h) => ({ name: h.name, value: '', hint: h.hint })),
    enabled: target.enabled,
    sources: target.sources,
    include_content: target.include_content,
  };
}

function when(at: string | null): string {
  return at ? new Date(at).toLocaleString() : 'never';
}

function Status({ target }: { target: TelemetryTarget }) {
  const failing = target.failed_attempts > 0;
  return (
    <div className="panel" data-testid="telemetry-status">
      <h2>Status</h2>
      <p>
        {target.enabled ? (failing ? 'Failing' : 'Exporting') : 'Paused'} · {target.exported_runs} runs (
        {target.exported_spans} spans) sent · {target.pending_runs} waiting
      </p>
      <p className="muted">
        Last success: {when(target.last_success_at)} · last attempt: {when(target.last_attempt_at)}
      </p>
      {target.last_error_code && (
        <p role="alert" className={failing ? 'telemetry-error' : 'muted'}>
          Last error ({when(target.last_error_at)}): {target.last_error_message} <code>{target.last_error_code}</code>
        </p>
      )}
    </div>
  );
}

export function TelemetryPage() {
  const { workspaceId, role } = useSession();
  const manage = role === 'owner' || role === 'builder';
  const [target, setTarget] = useState<TelemetryTarget | null | undefined>(undefined);
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<string | null>(null);

  const load = useCallback(
    (signal?: AbortSignal) =>
      getTarget(workspaceId, signal)
        .then((found) => {
          setTarget(found);
          setDraft(draftOf(found));
        })
        .catch((err: unknown) => {
          if (!isAbortError(err)) setError(err);
        }),
    [workspaceId],
  );
  useEffect(() => {
    const controller = new AbortController();
    void load(controller.signal);
    return () => controller.abort();
  }, [load]);

  const act = (work: () => Promise<void>) => {
    setError(null);
    setResult(null);
    setBusy(true);
    work()
      .catch(setError)
      .finally(() => setBusy(false));
  };
  const save = (event: FormEvent) => {
    event.preventDefault();
    act(async () => {
      const saved = await saveTarget(workspaceId, {
        endpoint: draft.endpoint,
        headers: draft.headers
          .filter((h) => h.name.trim())
          .map((h) => (h.value || !h.hint ? { name: h.name.trim(), value: h.value } : { name: h.name.trim() })),
        enabled: draft.enabled,
        sources: draft.sources,
        include_content: draft.include_content,
      });
      setTarget(saved);
      setDraft(draftOf(saved));
      setResult('Saved.');
    });
  };
  const describe = (d: Delivery) => (d.ok ? `${d.message} (${Math.round(d.latency_ms)} ms)` : `Failed: ${d.message}`);
  const test = () => act(async () => setResult(describe(await sendTestSpan(workspaceId))));
  const exportRuns = () =>
    act(async () => {
      const done = await exportNow(workspaceId);
      setTarget(done.target);
      setResult(
        done.busy
          ? 'An export is already under way.'
          : done.delivery && !done.delivery.ok
            ? describe(done.delivery)
            : `Sent ${done.runs} runs (${done.spans} spans).`,
      );
    });
  const remove = () => {
    if (!window.confirm('Stop exporting and forget this endpoint and its headers?')) return;
    act(async () => {
      await deleteTarget(workspaceId);
      setTarget(null);
      setDraft(EMPTY);
    });
  };
  const setHeader = (index: number, change: Partial<HeaderRow>) =>
    setDraft((d) => ({ ...d, headers: d.headers.map((h, i) => (i === index ? { ...h, ...change } : h)) }));
  const toggleSource = (value: string) =>
    setDraft((d) => ({
      ...d,
      sources: d.sources.includes(value) ? d.sources.filter((s) => s !== value) : [...d.sources, value],
    }));

  return (
    <section className="page telemetry-page" aria-labelledby="page-title">
      <header className="settings-header">
        <div>
          <h1 id="page-title">Telemetry export</h1>
          <p className="muted">
            Send runs and node traces to an OpenTelemetry collector (OTLP/HTTP, GenAI semantic conventions), to look
            at them in Langfuse, Phoenix or Grafana as well.
            {!manage && ' Only builders and owners change it.'}
          </p>
        </div>
      </header>
      {error !== null && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
      {result && (
        <p className="panel" role="status">
          {result}
        </p>
      )}
      {target === undefined ? (
        <p className="muted">Loading…</p>
      ) : (
        <>
          {target && <Status target={target} />}
          <form className="panel" onSubmit={save} aria-label="Telemetry export settings">
            <fieldset disabled={!manage || busy}>
              <label>
                Endpoint
                <input
                  type="url"
                  required
                  placeholder="https://collector:4318/v1/traces"
                  value={draft.endpoint}
                  onChange={(e) => setDraft({ ...draft, endpoint: e.target.value })}
                />
              </label>
              <h3>Headers</h3>
              {draft.headers.map((h, i) => (
                <div className="telemetry-row" key={i}>
                  <input
                    aria-label={`Header ${i + 1} name`}
                    placeholder="Authorization"
                    value={h.name}
                    onChange={(e) => setHeader(i, { name: e.target.value })}
                  />
                  <input
                    type="password"
                    autoComplete="off"
                    aria-label={`Header ${i + 1} value`}
                    placeholder={h.hint ? `stored (${h.hint}); type to replace` : 'value'}
                    value={h.value}
                    onChange={(e) => setHeader(i, { value: e.target.value })}
                  />
                  <button
                    type="button"
                    className="button-small button-danger-quiet"
                    aria-label={`Remove header ${h.name || i + 1}`}
                    onClick={() => setDraft({ ...draft, headers: draft.headers.filter((_, j) => j !== i) })}
                  >
                    Remove
                  </button>
                </div>
              ))}
              <button
                type="button"
                className="button-quiet"
                onClick={() => setDraft({ ...draft, headers: [...draft.headers, { name: '', value: '', hint: '' }] })}
              >
                Add header
              </button>
              <h3>Runs to export</h3>
              {SOURCES.map((s) => (
                <label key={s.value} className="telemetry-check">
                  <input type="checkbox" checked={draft.sources.includes(s.value)} onChange={() => toggleSource(s.value)} />
                  {s.label}
                </label>
              ))}
              <label className="telemetry-check">
                <input
                  type="checkbox"
                  checked={draft.include_content}
                  onChange={(e) => setDraft({ ...draft, include_content: e.target.checked })}
                />
                Send prompts, answers, inputs and outputs (off: only timings, tokens, cost and status)
              </label>
              <label className="telemetry-check">
                <input
                  type="checkbox"
                  role="switch"
                  checked={draft.enabled}
                  onChange={(e) => setDraft({ ...draft, enabled: e.target.checked })}
                />
                Export enabled
              </label>
              <div className="telemetry-row">
                <button type="submit">Save</button>
                {target && (
                  <>
                    <button type="button" className="button-quiet" onClick={test}>
                      Send test span
                    </button>
                    <button type="button" className="button-quiet" onClick={exportRuns}>
                      Export now
                    </button>
                    <button type="button" className="button-danger-quiet" onClick={remove}>
                      Stop exporting
                    </button>
                  </>
                )}
              </div>
            </fieldset>
          </form>
        </>
      )}
    </section>
  );
}
