/**
 * Copy/paste of nodes through the system clipboard as JSON, so it works across apps and tabs.
 * Pasted nodes get fresh ids; edges between them and references among them follow.
 */
import type { EdgeSpec, NodeSpec, NoteSpec } from '../../apps/types';
import { edgeId, newNoteId, uniqueId } from './ids';

export const CLIPBOARD_KIND = 'llmops-studio/nodes';

export interface ClipboardPayload {
  kind: typeof CLIPBOARD_KIND;
  version: 1;
  nodes: NodeSpec[];
  edges: EdgeSpec[];
  notes: NoteSpec[];
}

/** The JSON put on the clipboard for the selected nodes (edges only between them). */
export function serializeSelection(nodes: NodeSpec[], edges: EdgeSpec[], notes: NoteSpec[] = []): string {
  const ids = new Set(nodes.map((n) => n.id));
  const payload: ClipboardPayload = {
    kind: CLIPBOARD_KIND,
    version: 1,
    nodes,
    edges: edges.filter((e) => ids.has(e.source) && ids.has(e.target)),
    notes,
  };
  return JSON.stringify(payload, null, 2);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The payload in a clipboard text, or null when it holds something else. */
export function parseClipboard(text: string): ClipboardPayload | null {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isObject(data) || data.kind !== CLIPBOARD_KIND || !Array.isArray(data.nodes)) return null;
  const nodes = data.nodes.filter(
    (n): n is NodeSpec => isObject(n) && typeof n.id === 'string' && typeof n.type === 'string',
  );
  const edges = (Array.isArray(data.edges) ? data.edges : []).filter(
    (e): e is EdgeSpec => isObject(e) && typeof e.source === 'string' && typeof e.target === 'string',
  );
  const notes = (Array.isArray(data.notes) ? data.notes : []).filter(
    (n): n is NoteSpec => isObject(n) && typeof n.id === 'string',
  );
  return { kind: CLIPBOARD_KIND, version: 1, nodes, edges, notes };
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function renameRefs(value: unknown, renames: Map<string, string>): unknown {
  if (renames.size === 0) return value;
  if (typeof value === 'string') {
    let s = value;
    for (const [from, to] of renames) s = s.replace(new RegExp(`(^|[^\\w.])${escapeRe(from)}\\.`, 'g'), `$1${to}.`);
    return s;
  }
  if (Array.isArray(value)) return value.map((v) => renameRefs(v, renames));
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renameRefs(v, renames)]));
  return value;
}

/**
 * Nodes, edges and notes to add for a paste: new ids (free in `takenIds`), positions moved by
 * `offset`, and references between the pasted nodes renamed along.
 */
export function materializePaste(
  payload: ClipboardPayload,
  takenIds: ReadonlySet<string>,
  offset: { x: number; y: number },
): { nodes: NodeSpec[]; edges: EdgeSpec[]; notes: NoteSpec[] } {
  const taken = new Set(takenIds);
  const renames = new Map<string, string>();
  for (const n of payload.nodes) {
    const id = uniqueId(n.id, taken);
    taken.add(id);
    renames.set(n.id, id);
  }
  const changed = new Map([...renames].filter(([a, b]) => a !== b));
  const nodes = payload.nodes.map((n) => ({
    ...n,
    id: renames.get(n.id)!,
    config: renameRefs(n.config ?? {}, changed) as Record<string, unknown>,
    position: { x: (n.position?.x ?? 0) + offset.x, y: (n.position?.y ?? 0) + offset.y },
  }));
  const edges = payload.edges
    .filter((e) => renames.has(e.source) && renames.has(e.target))
    .map((e) => {
      const source = renames.get(e.source)!;
      const target = renames.get(e.target)!;
      const sh = e.source_handle ?? 'out';
      const th = e.target_handle ?? 'in';
      return { id: edgeId(source, sh, target, th), source, source_handle: sh, target, target_handle: th };
    });
  const notes = payload.notes.map((n) => {
    const id = newNoteId(taken);
    taken.add(id);
    return { ...n, id, position: { x: (n.position?.x ?? 0) + offset.x, y: (n.position?.y ?? 0) + offset.y } };
  });
  return { nodes, edges, notes };
}
