/** Folding run events (or a finished run from the server) into what the editor's run panel and
 * canvas and the run detail page show. Pure. */
import type { NodeRunStatus, Run, RunEvent, Trace } from '../apps/types';

export interface LiveNode {
  status: NodeRunStatus;
  inputs?: unknown;
  outputs?: Record<string, unknown>;
  handle?: string | null;
  latency_ms?: number;
  tokens_in?: number;
  tokens_out?: number;
  cost?: number | null;
  error?: { code: string; message: string };
  attempt?: number;
}

export interface LiveRun {
  id: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
  nodes: Record<string, LiveNode>;
  /** Node ids in the order they started. */
  order: string[];
  deltas: Record<string, string>;
  outputs: Record<string, unknown> | null;
  error: { code?: string; message: string; node_id?: string | null } | null;
}

export function emptyLiveRun(id: string): LiveRun {
  return { id, status: 'queued', nodes: {}, order: [], deltas: {}, outputs: null, error: null };
}

export function applyRunEvent(run: LiveRun, ev: RunEvent): LiveRun {
  switch (ev.type) {
    case 'run.started':
      return { ...run, status: 'running' };
    case 'node.started':
      return {
        ...run,
        status: 'running',
        order: run.order.includes(ev.node_id) ? run.order : [...run.order, ev.node_id],
        nodes: { ...run.nodes, [ev.node_id]: { status: 'running', attempt: ev.attempt } },
      };
    case 'node.delta':
      return { ...run, deltas: { ...run.deltas, [ev.node_id]: (run.deltas[ev.node_id] ?? '') + ev.text } };
    case 'node.inputs': {
      const node = run.nodes[ev.node_id] ?? { status: 'running' as const };
      return { ...run, nodes: { ...run.nodes, [ev.node_id]: { ...node, inputs: ev.inputs } } };
    }
    case 'node.finished':
      return {
        ...run,
        order: run.order.includes(ev.node_id) ? run.order : [...run.order, ev.node_id],
        nodes: {
          ...run.nodes,
          [ev.node_id]: {
            inputs: run.nodes[ev.node_id]?.inputs,
            status: 'succeeded',
            outputs: ev.outputs,
            handle: ev.handle,
            latency_ms: ev.latency_ms,
            tokens_in: ev.tokens_in,
            tokens_out: ev.tokens_out,
            cost: ev.cost ?? null,
          },
        },
      };
    case 'node.failed':
      return {
        ...run,
        order: run.order.includes(ev.node_id) ? run.order : [...run.order, ev.node_id],
        nodes: {
          ...run.nodes,
          [ev.node_id]: {
            inputs: run.nodes[ev.node_id]?.inputs,
            status: 'failed',
            error: { code: ev.code, message: ev.message },
            attempt: ev.attempt,
          },
        },
      };
    case 'node.skipped':
      return { ...run, nodes: { ...run.nodes, [ev.node_id]: { status: 'skipped' } } };
    case 'run.finished':
      return { ...run, status: 'succeeded', outputs: ev.outputs ?? null };
    case 'run.failed': {
      const e = (ev.error ?? {}) as { code?: string; message?: string; node_id?: string | null };
      const code = e.code ?? ev.code;
      const error = { code, message: e.message ?? ev.message ?? 'The run failed.', node_id: e.node_id ?? ev.node_id ?? null };
      if (code !== 'cancelled') return { ...run, status: 'failed', error };
      // Stopped: the nodes still running were cancelled with it (as the stored trace says).
      const nodes = { ...run.nodes };
      for (const [id, node] of Object.entries(nodes)) if (node.status === 'running') nodes[id] = { ...node, status: 'cancelled' };
      return { ...run, status: 'cancelled', nodes, error: { ...error, message: 'Cancelled.' } };
    }
    default:
      return run;
  }
}

/** A finished run from the server (with traces) as a LiveRun, e.g. when reopening a past run. */
export function liveRunFromServer<R extends Pick<Run, 'id' | 'status' | 'outputs' | 'error' | 'traces'>>(
  run: R,
  traces: Trace[] = run.traces ?? [],
): LiveRun {
  const nodes: Record<string, LiveNode> = {};
  const order: string[] = [];
  for (const t of traces) {
    if (!order.includes(t.node_id)) order.push(t.node_id);
    const err = t.error;
    nodes[t.node_id] = {
      status: t.status,
      inputs: t.inputs ?? undefined,
      outputs: (t.outputs ?? undefined) as Record<string, unknown> | undefined,
      latency_ms: t.latency_ms ?? undefined,
      tokens_in: t.tokens_in ?? undefined,
      tokens_out: t.tokens_out ?? undefined,
      cost: t.cost,
      attempt: t.attempt,
      error: err ? (typeof err === 'string' ? { code: 'error', message: err } : { code: err.code ?? 'error', message: err.message ?? '' }) : undefined,
    };
  }
  return {
    id: run.id,
    status: run.status,
    nodes,
    order,
    deltas: {},
    outputs: run.outputs,
    error: run.error,
  };
}

const ANSWER_TYPES = ['answer', 'end'];
const MODEL_TYPES = ['prompt', 'agent'];

/**
 * The answer to show: streamed text of answer/end nodes, else of prompt nodes; once the run is
 * over and nothing streamed, the run's outputs.
 */
export function answerText(run: LiveRun, typeOf: (nodeId: string) => string | undefined): string {
  const pick = (types: string[]) =>
    Object.entries(run.deltas)
      .filter(([id]) => types.includes(typeOf(id) ?? ''))
      .map(([, text]) => text)
      .join('\n\n');
  const streamed = pick(ANSWER_TYPES) || pick(MODEL_TYPES);
  if (streamed) return streamed;
  const out = run.outputs;
  if (!out) return '';
  const values = Object.values(out);
  if (typeof out.answer === 'string') return out.answer;
  if (values.length === 1 && typeof values[0] === 'string') return values[0];
  return Object.keys(out).length ? JSON.stringify(out, null, 2) : '';
}
