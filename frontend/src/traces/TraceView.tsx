/** One node's trace: status, badges (latency, tokens, cost), error, inputs and outputs. */
import { formatMs } from './format';
import { Payload } from './Payload';
import './trace.css';

export interface TraceLike {
  status: string;
  inputs?: unknown;
  outputs?: unknown;
  error?: unknown;
  latency_ms?: number | null;
  tokens_in?: number | null;
  tokens_out?: number | null;
  cost?: number | null;
  attempt?: number;
  finished_at?: string | null;
}

function errorText(err: unknown): string | null {
  if (!err) return null;
  if (typeof err === 'string') return err;
  const e = err as { code?: string; message?: string };
  return [e.message, e.code ? `(${e.code})` : ''].filter(Boolean).join(' ');
}

export function Badges({ t }: { t: TraceLike }) {
  return (
    <span className="badges">
      <span className={`badge status-badge status-${t.status}`}>{t.status}</span>
      {typeof t.latency_ms === 'number' && <span className="badge">{formatMs(t.latency_ms)}</span>}
      {(t.tokens_in || t.tokens_out) ? (
        <span className="badge" title="Tokens in / out">
          {t.tokens_in ?? 0} → {t.tokens_out ?? 0} tok
        </span>
      ) : null}
      {typeof t.cost === 'number' && t.cost > 0 && <span className="badge">${t.cost.toFixed(4)}</span>}
      {t.attempt && t.attempt > 1 ? <span className="badge">attempt {t.attempt}</span> : null}
    </span>
  );
}

export function TraceView({ trace }: { trace: TraceLike }) {
  const err = errorText(trace.error);
  return (
    <div className="trace-view">
      <Badges t={trace} />
      {err && (
        <p className="trace-error" role="alert">
          {err}
        </p>
      )}
      <Payload label="Inputs" value={trace.inputs} />
      <Payload label="Outputs" value={trace.outputs} />
      {trace.finished_at && <p className="muted small">Finished {new Date(trace.finished_at).toLocaleString()}</p>}
    </div>
  );
}
