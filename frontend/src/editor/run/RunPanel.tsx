/** Test-run panel: inputs form, Start run (Stop while one is running), streamed answer, per-node
 * trace, recent runs. */
import { memo } from 'react';
import { errorMessage } from '../../api/client';
import type { AppInput, Issue } from '../../apps/types';
import { formatMs } from '../../traces/format';
import { answerText } from '../../traces/liveRun';
import { TraceList } from '../../traces/TraceList';
import { Badges } from '../../traces/TraceView';
import { shortcutLabel } from '../model/keyboard';
import type { RunSession } from './useRunSession';
import './run.css';

/** What the panel shows of the run session: the shown run, its start, recent runs, the socket. */
export type RunPanelSession = Pick<
  RunSession,
  'shown' | 'shownRun' | 'starting' | 'active' | 'stopping' | 'stop' | 'error' | 'recent' | 'connection'
>;

/** The run form: the app's inputs with their typed values; blocked while the checklist has issues. */
export interface RunForm {
  inputs: AppInput[];
  issues: Issue[];
  values: Record<string, string>;
  onValues: (v: Record<string, string>) => void;
  onStart: () => void;
  /** A past run's inputs: shown, not edited. */
  readOnly?: boolean;
}

export interface RunPanelProps {
  session: RunPanelSession;
  form: RunForm;
  viewingRunId: string | null;
  nodeTitle: (id: string) => string;
  nodeType: (id: string) => string | undefined;
  onFocusNode: (id: string) => void;
  onOpenRun: (id: string) => void;
  onBackToDraft: () => void;
  onClose: () => void;
}

/** Form text -> the typed value of an app input. */
export function coerceInput(input: Pick<AppInput, 'type'>, text: string): unknown {
  switch (input.type) {
    case 'number':
      return text.trim() === '' ? null : Number(text);
    case 'boolean':
      return text === 'true';
    case 'object':
    case 'array':
      try {
        return text.trim() ? JSON.parse(text) : input.type === 'array' ? [] : {};
      } catch {
        return text;
      }
    default:
      return text;
  }
}

function RunPanelInner(p: RunPanelProps) {
  const { session, form } = p;
  const blocked = form.issues.length > 0;
  const live = session.shown;
  const running = !!live && (live.status === 'running' || live.status === 'queued');
  const answer = live ? answerText(live, p.nodeType) : '';
  const run = session.shownRun && live && session.shownRun.id === live.id ? session.shownRun : null;
  // Where a stopped run was when it stopped: the node cancelled with it.
  const stoppedAt = live?.status === 'cancelled' ? (live.order.find((id) => live.nodes[id]?.status === 'cancelled') ?? null) : null;

  return (
    <aside className="side-panel run-panel" aria-label="Test run">
      <header className="side-head">
        <h2>Test run</h2>
        <span className={`connection connection-${session.connection}`} title={`Live updates: ${session.connection}`}>
          <span className="dot" aria-hidden="true" />
        </span>
        <button type="button" className="icon-btn" onClick={p.onClose} aria-label="Close run panel">
          ×
        </button>
      </header>
      <div className="side-body">
        {p.viewingRunId && (
          <div className="notice notice-info">
            <span>Showing a past run on a read-only canvas.</span>
            <button type="button" className="button-small" onClick={p.onBackToDraft}>
              Back to draft
            </button>
          </div>
        )}
        <form
          className="run-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (!blocked && !session.active) form.onStart();
          }}
        >
          {form.inputs.length === 0 && <p className="muted small">This app takes no inputs.</p>}
          {form.inputs.map((input) => {
            const id = `run-input-${input.name}`;
            const v = form.values[input.name] ?? '';
            const set = (nv: string) => form.onValues({ ...form.values, [input.name]: nv });
            return (
              <div className="field" key={input.name}>
                <label htmlFor={id} className="field-label">
                  {input.name}
                  {input.required && <span className="req"> *</span>}
                  <span className="muted small"> {input.type}</span>
                </label>
                {input.type === 'boolean' ? (
                  <select id={id} value={v || 'false'} disabled={form.readOnly} onChange={(e) => set(e.target.value)}>
                    <option value="true">true</option>
                    <option value="false">false</option>
                  </select>
                ) : input.type === 'number' ? (
                  <input id={id} type="number" step="any" value={v} readOnly={form.readOnly} onChange={(e) => set(e.target.value)} />
                ) : (
                  <textarea
                    id={id}
                    rows={input.type === 'string' ? 3 : 4}
                    className={input.type === 'string' ? '' : 'mono'}
                    value={v}
                    readOnly={form.readOnly}
                    placeholder={input.type === 'string' ? '' : input.type === 'array' ? '[ ]' : '{ }'}
                    onChange={(e) => set(e.target.value)}
                  />
                )}
                {input.description && <p className="field-help">{input.description}</p>}
              </div>
            );
          })}
          {blocked && (
            <p className="run-blocked" role="note" data-testid="run-blocked">
              Fix the {form.issues.length} issue{form.issues.length === 1 ? '' : 's'} in the checklist before running.
            </p>
          )}
          <div className="run-actions">
            {session.active ? (
              <button
                type="button"
                className="button-stop"
                onClick={() => void session.stop()}
                disabled={session.stopping}
                title="Stop this run: calls in progress are dropped, what ran is kept"
                data-testid="run-stop"
              >
                <span className="stop-square" aria-hidden="true" />
                {session.stopping ? 'Stopping…' : 'Stop'}
              </button>
            ) : (
              <span title={blocked ? `The graph has ${form.issues.length} issue(s); see the checklist.` : `Run (${shortcutLabel('Ctrl+Enter')})`}>
                <button type="submit" className="button-primary" disabled={blocked || session.starting} data-testid="run-start">
                  {session.starting ? 'Starting…' : 'Start run'}
                </button>
              </span>
            )}
          </div>
        </form>
        {session.error !== null && session.error !== undefined && <p className="trace-error" role="alert">{errorMessage(session.error)}</p>}

        {live && (
          <section className="run-result" aria-label="Result">
            <div className="run-result-head">
              <h3>Result</h3>
              <Badges
                t={{
                  status: live.status,
                  latency_ms: run?.latency_ms ?? null,
                  tokens_in: run?.tokens_in ?? null,
                  tokens_out: run?.tokens_out ?? null,
                  cost: run?.cost ?? null,
                }}
              />
            </div>
            <div className={`run-answer ${running ? 'streaming' : ''}`} data-testid="run-answer" aria-live="polite" data-status={live.status}>
              {answer || (running ? <span className="muted">Waiting for the answer…</span> : <span className="muted">No answer text.</span>)}
            </div>
            {live.status === 'cancelled' && (
              <p className="run-cancelled" role="status" data-testid="run-cancelled">
                <strong>Cancelled</strong>
                {stoppedAt ? (
                  <>
                    {' '}
                    while{' '}
                    <button type="button" className="link-btn" onClick={() => p.onFocusNode(stoppedAt)}>
                      {p.nodeTitle(stoppedAt)}
                    </button>{' '}
                    was running; what ran before is kept.
                  </>
                ) : (
                  '.'
                )}
              </p>
            )}
            {live.error && live.status !== 'cancelled' && (
              <p className="trace-error" role="alert">
                {live.error.message}
                {live.error.node_id && (
                  <>
                    {' '}
                    in{' '}
                    <button type="button" className="link-btn" onClick={() => p.onFocusNode(live.error!.node_id!)}>
                      {p.nodeTitle(live.error.node_id)}
                    </button>
                  </>
                )}
              </p>
            )}
            <h3>Trace</h3>
            <TraceList live={live} nodeTitle={p.nodeTitle} onSelect={p.onFocusNode} />
          </section>
        )}

        <section className="run-history" aria-label="Recent runs">
          <h3>Recent runs</h3>
          {session.recent.length === 0 ? (
            <p className="muted small">No runs yet.</p>
          ) : (
            <ul>
              {session.recent.map((r) => (
                <li key={r.id}>
                  <button
                    type="button"
                    className={`history-row ${p.viewingRunId === r.id ? 'active' : ''}`}
                    onClick={() => p.onOpenRun(r.id)}
                    title="Open this run on a read-only canvas"
                  >
                    <span className={`trace-dot status-${r.status}`} aria-hidden="true" />
                    <span>{new Date(r.created_at).toLocaleString()}</span>
                    <span className="muted small">
                      {r.source === 'node' ? 'node' : r.version ? `v${r.version}` : 'draft'}
                      {typeof r.latency_ms === 'number' ? ` · ${formatMs(r.latency_ms)}` : ''}
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
    </aside>
  );
}

export const RunPanel = memo(RunPanelInner);
