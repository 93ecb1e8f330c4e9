/**
 * What the versions diff shows: a list of changes (down to config fields and edges) and, for
 * the canvas, the "to" graph with removed nodes added back as ghosts and every node marked.
 */
import type { EdgeSpec, GraphDiff, GraphSpec, NodeSpec } from '../../apps/types';

export type DiffMark = 'added' | 'removed' | 'changed';

export interface DiffRow {
  kind: DiffMark;
  subject: 'node' | 'edge' | 'input';
  /** Node id, edge id or input name: what clicking the row focuses. */
  id: string;
  title: string;
  details: { path: string; before: string; after: string }[];
}

export interface DiffModel {
  rows: DiffRow[];
  marks: Map<string, DiffMark>;
  edgeMarks: Map<string, DiffMark>;
  /** Nodes to draw: the "to" graph's plus the removed ones. */
  nodes: NodeSpec[];
  edges: EdgeSpec[];
  isEmpty: boolean;
}

/** A short, single-line rendering of any value for the change list. */
export function formatValue(value: unknown, max = 80): string {
  if (value === undefined) return '—';
  let s = typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value) ?? String(value);
  s = s.replace(/\s+/g, ' ');
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

function edgeTitle(e: EdgeSpec, titles: Map<string, string>): string {
  const handle = e.source_handle && e.source_handle !== 'out' ? ` (${e.source_handle})` : '';
  return `${titles.get(e.source) ?? e.source}${handle} → ${titles.get(e.target) ?? e.target}`;
}

export function buildDiffModel(diff: GraphDiff, fromGraph: GraphSpec | null, toGraph: GraphSpec | null): DiffModel {
  const titles = new Map<string, string>();
  for (const n of [...(fromGraph?.nodes ?? []), ...(toGraph?.nodes ?? [])]) titles.set(n.id, n.title || n.id);
  const rows: DiffRow[] = [];
  const marks = new Map<string, DiffMark>();
  const edgeMarks = new Map<string, DiffMark>();

  for (const n of diff.nodes.added) {
    marks.set(n.id, 'added');
    rows.push({ kind: 'added', subject: 'node', id: n.id, title: `${n.title || n.id} (${n.type})`, details: [] });
  }
  for (const n of diff.nodes.removed) {
    marks.set(n.id, 'removed');
    rows.push({ kind: 'removed', subject: 'node', id: n.id, title: `${n.title || n.id} (${n.type})`, details: [] });
  }
  for (const c of diff.nodes.changed) {
    marks.set(c.id, 'changed');
    rows.push({
      kind: 'changed',
      subject: 'node',
      id: c.id,
      title: c.title || c.id,
      details: c.changes.map((ch) => ({ path: ch.path, before: formatValue(ch.before), after: formatValue(ch.after) })),
    });
  }
  const edgeKey = (e: EdgeSpec) => `${e.source}|${e.source_handle}|${e.target}|${e.target_handle}`;
  for (const e of diff.edges.added) {
    edgeMarks.set(edgeKey(e), 'added');
    rows.push({ kind: 'added', subject: 'edge', id: e.id, title: edgeTitle(e, titles), details: [] });
  }
  for (const e of diff.edges.removed) {
    edgeMarks.set(edgeKey(e), 'removed');
    rows.push({ kind: 'removed', subject: 'edge', id: e.id, title: edgeTitle(e, titles), details: [] });
  }
  for (const i of diff.inputs.added) rows.push({ kind: 'added', subject: 'input', id: i.name, title: `inputs.${i.name}`, details: [] });
  for (const i of diff.inputs.removed) rows.push({ kind: 'removed', subject: 'input', id: i.name, title: `inputs.${i.name}`, details: [] });
  for (const i of diff.inputs.changed) {
    rows.push({
      kind: 'changed',
      subject: 'input',
      id: i.name,
      title: `inputs.${i.name}`,
      details: i.changes.map((ch) => ({ path: ch.path, before: formatValue(ch.before), after: formatValue(ch.after) })),
    });
  }

  const nodes = [...(toGraph?.nodes ?? []), ...diff.nodes.removed.map((n) => fromGraph?.nodes.find((f) => f.id === n.id) ?? n)];
  const edges = [...(toGraph?.edges ?? []), ...diff.edges.removed.map((e) => ({ ...e, id: `removed:${e.id}` }))];
  return { rows, marks, edgeMarks, nodes, edges, isEmpty: rows.length === 0 };
}

export function edgeDiffKey(e: Pick<EdgeSpec, 'source' | 'source_handle' | 'target' | 'target_handle'>): string {
  return `${e.source}|${e.source_handle}|${e.target}|${e.target_handle}`;
}
