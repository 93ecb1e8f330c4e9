/** Auto-layout ("organize"): left-to-right layered layout with dagre, then the children of a
 * node with several outputs (branch cases, classifier classes) put in the order of its handles,
 * top to bottom, so that their edges do not cross. */
import dagre from '@dagrejs/dagre';

export interface LayoutNode {
  id: string;
  width: number;
  height: number;
  /** Its output handles, top to bottom (only nodes with several matter). */
  handles?: readonly string[];
}

export interface LayoutEdge {
  source: string;
  target: string;
  sourceHandle?: string | null;
}

type Box = { x: number; y: number; width: number; height: number };

export function layeredPositions(
  nodes: readonly LayoutNode[],
  edges: readonly LayoutEdge[],
): Map<string, { x: number; y: number }> {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'LR', nodesep: 40, ranksep: 90, marginx: 20, marginy: 20 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of nodes) g.setNode(n.id, { width: n.width, height: n.height });
  const ids = new Set(nodes.map((n) => n.id));
  const inner = edges.filter((e) => ids.has(e.source) && ids.has(e.target));
  for (const e of inner) g.setEdge(e.source, e.target);
  dagre.layout(g);
  const boxes = new Map<string, Box>();
  for (const n of nodes) {
    const p = g.node(n.id) as { x: number; y: number } | undefined;
    if (p) boxes.set(n.id, { x: Math.round(p.x - n.width / 2), y: Math.round(p.y - n.height / 2), width: n.width, height: n.height });
  }
  for (const n of nodes) if ((n.handles?.length ?? 0) > 1) orderChildren(n, inner, boxes);
  return new Map([...boxes].map(([id, b]) => [id, { x: b.x, y: b.y }]));
}

/** Re-stacks the node's children that sit side by side in one column and have no other parent,
 * in handle order, in the vertical space they took together. */
function orderChildren(node: LayoutNode, edges: readonly LayoutEdge[], boxes: Map<string, Box>) {
  const rank = new Map((node.handles ?? []).map((h, i) => [h, i]));
  const handleOf = new Map<string, number>();
  for (const e of edges) {
    if (e.source !== node.id) continue;
    const parents = new Set(edges.filter((x) => x.target === e.target).map((x) => x.source));
    if (parents.size !== 1) continue;
    const index = rank.get(e.sourceHandle ?? 'out') ?? rank.size;
    handleOf.set(e.target, Math.min(index, handleOf.get(e.target) ?? Infinity));
  }
  const byColumn = new Map<number, string[]>();
  for (const id of handleOf.keys()) {
    const box = boxes.get(id);
    if (box) byColumn.set(box.x, [...(byColumn.get(box.x) ?? []), id]);
  }
  for (const [x, children] of byColumn) {
    if (children.length < 2) continue;
    const current = [...children].sort((a, b) => boxes.get(a)!.y - boxes.get(b)!.y);
    const top = boxes.get(current[0]!)!.y;
    const last = boxes.get(current[current.length - 1]!)!;
    const bottom = last.y + last.height;
    const others = [...boxes].filter(([id, b]) => b.x === x && !handleOf.has(id) && b.y < bottom && b.y + b.height > top);
    if (others.length) continue; // another node sits between them: leave the column as dagre made it
    const wanted = [...children].sort((a, b) => handleOf.get(a)! - handleOf.get(b)! || boxes.get(a)!.y - boxes.get(b)!.y);
    const gap = (bottom - top - wanted.reduce((sum, id) => sum + boxes.get(id)!.height, 0)) / (wanted.length - 1);
    let y = top;
    for (const id of wanted) {
      const box = boxes.get(id)!;
      box.y = Math.round(y);
      y += box.height + gap;
    }
  }
}
