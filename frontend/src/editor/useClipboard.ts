/** Copy, paste and duplicate of the selected nodes and notes. The clipboard holds JSON, so nodes
 * travel between apps and tabs; a paste lands at the canvas centre, a duplicate just offset. */
import { useCallback } from 'react';
import type { NodeTypeDef } from '../apps/types';
import { materializePaste, parseClipboard, serializeSelection } from './model/clipboard';
import { noteOfNode, specOfNode, type FlowNode, type NoteNode } from './model/graph';
import type { GraphOps } from './useGraphDocument';

type Point = { x: number; y: number };

export interface Clipboard {
  /** The selection as clipboard JSON, or null when there is nothing to copy. */
  copy: () => string | null;
  /** Returns true when the text was nodes and they were pasted. */
  paste: (text: string) => boolean;
  duplicate: () => void;
}

export function useClipboard({
  typeMap,
  ops,
  readOnly,
  editing,
  center,
  showToast,
}: {
  typeMap: ReadonlyMap<string, NodeTypeDef>;
  ops: GraphOps;
  readOnly: boolean;
  editing: boolean;
  center: () => Point;
  showToast: (text: string) => void;
}): Clipboard {
  const { getDoc, getGraph } = ops;

  const selectedSpecs = useCallback(() => {
    const d = getDoc();
    const nodes = d.nodes.filter((n) => n.selected && n.type === 'flow').map((n) => specOfNode(n as FlowNode));
    const notes = d.nodes.filter((n) => n.selected && n.type === 'note').map((n) => noteOfNode(n as NoteNode));
    return { nodes, notes, edges: getGraph().edges };
  }, [getDoc, getGraph]);

  const pasteAt = useCallback(
    (text: string, offset?: Point) => {
      const payload = parseClipboard(text);
      if (!payload || readOnly) return false;
      let delta = offset;
      if (!delta) {
        const xs = [...payload.nodes, ...payload.notes].map((n) => n.position?.x ?? 0);
        const ys = [...payload.nodes, ...payload.notes].map((n) => n.position?.y ?? 0);
        const c = center();
        delta = { x: c.x - Math.min(...xs, c.x), y: c.y - Math.min(...ys, c.y) };
      }
      const taken = new Set(getDoc().nodes.map((n) => n.id));
      const unknown = payload.nodes.filter((n) => !typeMap.has(n.type)).length;
      const out = materializePaste(payload, taken, delta);
      ops.addNodes(out.nodes, out.edges, out.notes);
      showToast(`Pasted ${out.nodes.length} node${out.nodes.length === 1 ? '' : 's'}${unknown ? ` (${unknown} of an unknown type)` : ''}.`);
      return true;
    },
    [readOnly, center, getDoc, typeMap, ops, showToast],
  );

  const copy = useCallback(() => {
    if (!editing) return null;
    const s = selectedSpecs();
    if (!s.nodes.length && !s.notes.length) return null;
    showToast(`Copied ${s.nodes.length} node${s.nodes.length === 1 ? '' : 's'} — paste here or in another app.`);
    return serializeSelection(s.nodes, s.edges, s.notes);
  }, [editing, selectedSpecs, showToast]);

  const paste = useCallback((text: string) => pasteAt(text), [pasteAt]);

  const duplicate = useCallback(() => {
    if (readOnly) return;
    const s = selectedSpecs();
    if (s.nodes.length || s.notes.length) pasteAt(serializeSelection(s.nodes, s.edges, s.notes), { x: 40, y: 40 });
  }, [readOnly, selectedSpecs, pasteAt]);

  return { copy, paste, duplicate };
}
