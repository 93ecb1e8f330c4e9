/** A run's nodes in the order they started; a click opens one node's trace below its row. Used
 * by the editor's run drawer and by the run detail page. */
import { useState } from 'react';
import { formatMs } from './format';
import type { LiveRun } from './liveRun';
import { TraceView } from './TraceView';

export interface TraceListProps {
  live: LiveRun;
  nodeTitle: (id: string) => string;
  /** Called when a row is clicked (the editor focuses the node on the canvas). */
  onSelect?: (id: string) => void;
}

/** A row's name: the node's title; inside an iteration, "Loop #4 › fmt" (ids `loop[3]/fmt`). */
export function traceLabel(id: string, nodeTitle: (id: string) => string): string {
  const parts = id.split('/');
  if (parts.length === 1) return nodeTitle(id);
  const items = parts.slice(0, -1).map((part) => {
    const match = /^(.*)\[(\d+)\]$/.exec(part);
    return match ? `${nodeTitle(match[1]!)} #${Number(match[2]) + 1}` : part;
  });
  return [...items, parts[parts.length - 1]].join(' › ');
}

export function TraceList({ live, nodeTitle, onSelect }: TraceListProps) {
  const [openTrace, setOpenTrace] = useState<string | null>(null);
  return (
    <ol className="trace-list">
      {live.order.map((id) => {
        const n = live.nodes[id];
        if (!n) return null;
        const open = openTrace === id;
        return (
          <li
            key={id}
            className={`trace-item status-${n.status}${id.includes('/') ? ' trace-nested' : ''}`}
            data-testid={`trace-${id}`}
            data-status={n.status}
          >
            <button
              type="button"
              className="trace-row"
              aria-expanded={open}
              onClick={() => {
                setOpenTrace(open ? null : id);
                onSelect?.(id);
              }}
            >
              <span className={`trace-dot status-${n.status}`} aria-hidden="true" />
              <span className="trace-title">{traceLabel(id, nodeTitle)}</span>
              <span className="muted small">{n.status === 'succeeded' && typeof n.latency_ms === 'number' ? formatMs(n.latency_ms) : n.status}</span>
            </button>
            {open && <TraceView trace={n} />}
          </li>
        );
      })}
    </ol>
  );
}
