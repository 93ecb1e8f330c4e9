/** What a run adds to the canvas: edges that passed or are active, issue marks, and a view that
 * follows the running node (it pans, keeping the zoom, when that node is off screen). */
import { useEffect, useMemo } from 'react';
import type { CanvasEdge, CanvasNode } from '../model/graph';
import type { LiveRun } from '../../traces/liveRun';

export function useRunEdges(edges: CanvasEdge[], live: LiveRun | null, edgeIssues: ReadonlySet<string | null | undefined>) {
  return useMemo(() => {
    if (!live && edgeIssues.size === 0) return edges;
    return edges.map((e) => {
      const src = live?.nodes[e.source];
      const dst = live?.nodes[e.target];
      let cls = e.className ?? '';
      if (src?.status === 'succeeded' && dst && (src.handle == null || src.handle === e.sourceHandle)) cls += ' edge-passed';
      if (dst?.status === 'running' && src?.status === 'succeeded') cls += ' edge-active';
      if (edgeIssues.has(e.id)) cls += ' edge-issue';
      cls = cls.trim();
      return cls === (e.className ?? '') ? e : { ...e, className: cls, animated: dst?.status === 'running' };
    });
  }, [edges, live, edgeIssues]);
}

/** The node a live run is working on now: the last one started that is still running. */
export function runningNodeId(live: LiveRun | null): string | null {
  if (!live || live.status !== 'running') return null;
  for (let i = live.order.length - 1; i >= 0; i -= 1) {
    const id = live.order[i]!;
    if (live.nodes[id]?.status === 'running') return id;
  }
  return null;
}

export function useFollowRunningNode(
  live: LiveRun | null,
  nodes: CanvasNode[],
  reveal: (point: { x: number; y: number }) => void,
) {
  // a node inside an iteration (`loop[3]/llm`) is drawn as its iteration node
  const current = runningNodeId(live)?.split('/')[0]?.replace(/\[\d+\]$/, '') ?? null;
  useEffect(() => {
    if (!current) return;
    const node = nodes.find((n) => n.id === current);
    if (!node) return;
    reveal({ x: node.position.x + (node.measured?.width ?? 240) / 2, y: node.position.y + (node.measured?.height ?? 80) / 2 });
    // Only when another node starts running: moving nodes must not pan the view.
  }, [current]); // eslint-disable-line react-hooks/exhaustive-deps
}
