/** What is under review: the input (pretty), the output, the expected output where there is one,
 * and the trace, folded — each node with its type, status and latency, its inputs and outputs
 * (retrieved chunks, tool calls) when opened. */
import { memo } from 'react';
import { Payload } from '../traces/Payload';
import { pretty } from './parts';
import type { Item, TraceNode } from './types';

export function InputView({ input }: { input: Record<string, unknown> }) {
  const entries = Object.entries(input);
  if (entries.length === 0) return <p className="muted small">No input.</p>;
  return (
    <dl className="ann-input">
      {entries.map(([key, value]) => (
        <div key={key}>
          <dt>{key}</dt>
          <dd className={typeof value === 'string' ? 'ann-text' : 'ann-json'}>{pretty(value)}</dd>
        </div>
      ))}
    </dl>
  );
}

function TraceRow({ node }: { node: TraceNode }) {
  return (
    <details className="ann-trace-node">
      <summary>
        <span className="mono">{node.node_id}</span> <span className="ann-chip">{node.node_type}</span>{' '}
        <span className={`ann-chip ann-run-${node.status}`}>{node.status}</span>
        {node.latency_ms !== null && <span className="muted small"> {Math.round(node.latency_ms)} ms</span>}
      </summary>
      {node.error_message && <p className="text-error small">{node.error_message}</p>}
      <Payload label="Inputs" value={node.inputs} />
      <Payload label="Outputs" value={node.outputs} />
    </details>
  );
}

export function TraceView({ trace, open, onToggle }: { trace: TraceNode[]; open: boolean; onToggle: (open: boolean) => void }) {
  if (trace.length === 0) return null;
  return (
    <details className="ann-trace" open={open} onToggle={(e) => onToggle(e.currentTarget.open)}>
      <summary>
        Trace <span className="muted small">({trace.length} node{trace.length === 1 ? '' : 's'}) · t</span>
      </summary>
      {open && trace.map((node, i) => <TraceRow key={`${node.node_id}-${i}`} node={node} />)}
    </details>
  );
}

export const ItemView = memo(function ItemView({ item, traceOpen, onTraceToggle }: { item: Item; traceOpen: boolean; onTraceToggle: (open: boolean) => void }) {
  const { subject } = item;
  return (
    <div className="ann-item" data-testid="review-item">
      <p className="muted small ann-subject">
        Item #{item.id}
        {subject.app_name && ` · ${subject.app_name}`}
        {subject.version_number !== null && ` v${subject.version_number}`}
        {subject.node_id && ` · node ${subject.node_id}`}
        {item.source !== 'manual' && ` · from ${item.source === 'rule' ? 'a sampling rule' : 'an experiment'}`}
      </p>
      <section aria-label="Input">
        <h2>Input</h2>
        <InputView input={item.input} />
      </section>
      <section aria-label="Output">
        <h2>Output</h2>
        <div className="ann-output" data-testid="review-output">
          {item.output || <span className="muted">(empty)</span>}
        </div>
      </section>
      {item.expected !== null && (
        <section aria-label="Expected">
          <h2>Expected</h2>
          <div className="ann-output ann-expected">{item.expected}</div>
        </section>
      )}
      <TraceView trace={item.trace} open={traceOpen} onToggle={onTraceToggle} />
    </div>
  );
});
