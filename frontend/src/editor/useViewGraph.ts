/** The graph a read-only view draws (a past run, a version, a diff): its nodes (selectable, not
 * editable), its edges (with diff marks), and the diff marks store. */
import { applyNodeChanges, useReactFlow, type NodeChange } from '@xyflow/react';
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { GraphSpec } from '../apps/types';
import type { EditorStores } from './context';
import { edgeDiffKey, type DiffModel } from './model/diffModel';
import { canvasFromSpec, type CanvasEdge, type CanvasNode } from './model/graph';

export type View =
  | { kind: 'edit' }
  | { kind: 'run'; runId: string; graph: GraphSpec }
  | { kind: 'version'; number: number; graph: GraphSpec }
  | { kind: 'diff'; label: string; model: DiffModel };

export const EDIT: View = { kind: 'edit' };
export const FIT = { padding: 0.2, maxZoom: 1.2 };

export function useViewGraph(view: View, stores: EditorStores) {
  const flow = useReactFlow<CanvasNode, CanvasEdge>();
  const [viewNodes, setViewNodes] = useState<CanvasNode[]>([]);
  const viewGraph = view.kind === 'run' || view.kind === 'version' ? view.graph : null;

  useEffect(() => {
    if (view.kind === 'edit') return;
    if (view.kind === 'diff') {
      setViewNodes(canvasFromSpec({ nodes: view.model.nodes, edges: view.model.edges, notes: [] }).nodes);
    } else if (viewGraph) {
      setViewNodes(canvasFromSpec(viewGraph).nodes);
    }
    requestAnimationFrame(() => void flow.fitView(FIT));
  }, [view, viewGraph, flow]);

  const viewEdges = useMemo<CanvasEdge[]>(() => {
    if (view.kind === 'diff') {
      return view.model.edges.map((e) => {
        const mark = view.model.edgeMarks.get(edgeDiffKey(e));
        return { ...canvasFromSpec({ nodes: [], edges: [e], notes: [] }).edges[0]!, className: mark ? `edge-diff-${mark}` : undefined };
      });
    }
    return viewGraph ? canvasFromSpec(viewGraph).edges : [];
  }, [view, viewGraph]);

  const onViewNodesChange = useCallback((changes: NodeChange<CanvasNode>[]) => {
    setViewNodes((nodes) => applyNodeChanges(changes.filter((c) => c.type === 'select' || c.type === 'dimensions'), nodes));
  }, []);

  /** Selects one node of the view (or none). */
  const selectInView = useCallback((id: string | null) => {
    setViewNodes((ns) => ns.map((n) => (!!n.selected === (n.id === id) ? n : { ...n, selected: n.id === id })));
  }, []);

  useEffect(() => {
    stores.diff.replace(view.kind === 'diff' ? view.model.marks : new Map());
  }, [view, stores]);

  return { viewGraph, viewNodes, viewEdges, onViewNodesChange, selectInView };
}
