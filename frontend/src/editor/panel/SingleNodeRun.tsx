/**
 * Runs one node with edited inputs: the variables its config references, prefilled from the
 * values remembered from the last try, else from the last run's data.
 */
import { useMemo, useState } from 'react';
import type { NodeSpec, Trace } from '../../apps/types';
import { referencedVariables } from '../model/upstream';

const KEY = (appId: string, nodeId: string) => `llmops.nodeRun.${appId}.${nodeId}`;

export function rememberedValues(appId: string, nodeId: string): Record<string, string> {
  try {
    const raw = window.localStorage.getItem(KEY(appId, nodeId));
    return raw ? (JSON.parse(raw) as Record<string, string>) : {};
  } catch {
    return {};
  }
}

export function remember(appId: string, nodeId: string, values: Record<string, string>): void {
  try {
    window.localStorage.setItem(KEY(appId, nodeId), JSON.stringify(values));
  } catch {
    // storage full or disabled: the form still works, it just won't remember
  }
}

/** The last value a variable had: `node.field` from that node's last trace; `inputs.x` from the start's. */
export function lastValueOf(ref: string, lastRuns: Record<string, Trace>, startId: string | null): unknown {
  const [ns, field] = ref.split('.');
  if (!ns || !field) return undefined;
  if (ns === 'inputs') {
    const start = startId ? lastRuns[startId] : undefined;
    const src = (start?.outputs ?? start?.inputs) as Record<string, unknown> | undefined;
    return src?.[field];
  }
  const out = lastRuns[ns]?.outputs as Record<string, unknown> | undefined;
  return out?.[field];
}

function asText(v: unknown): string {
  if (v === undefined || v === null) return '';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** Text from the form to a value: JSON objects, arrays, numbers and booleans when it parses as one. */
export function parseVariable(text: string): unknown {
  const t = text.trim();
  if (/^[[{]/.test(t) || /^(true|false|null|-?\d+(\.\d+)?)$/.test(t)) {
    try {
      return JSON.parse(t);
    } catch {
      return text;
    }
  }
  return text;
}

export function SingleNodeRun({
  appId,
  spec,
  nodeIds,
  lastRuns,
  startId,
  running,
  onRun,
}: {
  appId: string;
  spec: NodeSpec;
  nodeIds: ReadonlySet<string>;
  lastRuns: Record<string, Trace>;
  startId: string | null;
  running: boolean;
  onRun: (variables: Record<string, unknown>) => void;
}) {
  const refs = useMemo(() => referencedVariables(spec.config, new Set([...nodeIds, 'inputs'])), [spec.config, nodeIds]);
  const [values, setValues] = useState<Record<string, string>>(() => {
    const saved = rememberedValues(appId, spec.id);
    return Object.fromEntries(refs.map((r) => [r, saved[r] ?? asText(lastValueOf(r, lastRuns, startId))]));
  });
  return (
    <form
      className="single-run"
      onSubmit={(e) => {
        e.preventDefault();
        const current = Object.fromEntries(refs.map((r) => [r, values[r] ?? '']));
        remember(appId, spec.id, current);
        onRun(Object.fromEntries(refs.map((r) => [r, parseVariable(current[r]!)])));
      }}
    >
      <h4>Run this node alone</h4>
      {refs.length === 0 ? (
        <p className="muted small">This node reads no variables.</p>
      ) : (
        refs.map((r) => (
          <div className="field" key={r}>
            <label className="field-label mono" htmlFor={`snr-${r}`}>
              {r}
            </label>
            <textarea
              id={`snr-${r}`}
              rows={2}
              value={values[r] ?? ''}
              onChange={(e) => setValues((v) => ({ ...v, [r]: e.target.value }))}
            />
          </div>
        ))
      )}
      <button type="submit" className="button-primary" disabled={running}>
        {running ? 'Starting…' : 'Run this node'}
      </button>
    </form>
  );
}
