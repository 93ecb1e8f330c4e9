/**
 * The graph spec (what the server stores) <-> React Flow nodes and edges (what the canvas draws).
 * The canvas state is the working copy; the spec is derived from it when saving, validating or
 * recording an undo step.
 */
import type { Edge, Node } from '@xyflow/react';
import type { EdgeSpec, GraphSpec, NodeSpec, NoteSpec } from '../../apps/types';
import { TARGET_HANDLE } from './handles';

export interface FlowNodeData extends Record<string, unknown> {
  /** The node's spec; its `position` is not kept up to date (the canvas node's is). */
  spec: NodeSpec;
}

export interface NoteNodeData extends Record<string, unknown> {
  note: NoteSpec;
}

export type FlowNode = Node<FlowNodeData, 'flow'>;
export type NoteNode = Node<NoteNodeData, 'note'>;
export type CanvasNode = FlowNode | NoteNode;
export type CanvasEdge = Edge;

export type GraphMeta = Omit<GraphSpec, 'nodes' | 'edges' | 'notes'>;

export function isFlowNode(n: CanvasNode): n is FlowNode {
  return n.type === 'flow';
}

export function toFlowNode(spec: NodeSpec, prev?: CanvasNode): FlowNode {
  return {
    id: spec.id,
    type: 'flow',
    position: { x: spec.position?.x ?? 0, y: spec.position?.y ?? 0 },
    data: { spec },
    ...(prev?.measured ? { measured: prev.measured } : {}),
    ...(prev?.selected ? { selected: true } : {}),
  };
}

export function toNoteNode(note: NoteSpec, prev?: CanvasNode): NoteNode {
  return {
    id: note.id,
    type: 'note',
    position: { x: note.position?.x ?? 0, y: note.position?.y ?? 0 },
    data: { note },
    width: note.width || 220,
    height: note.height || 140,
    zIndex: -1,
    ...(prev?.measured ? { measured: prev.measured } : {}),
    ...(prev?.selected ? { selected: true } : {}),
  };
}

export function toCanvasEdge(e: EdgeSpec): CanvasEdge {
  return {
    id: e.id,
    source: e.source,
    target: e.target,
    sourceHandle: e.source_handle || 'out',
    targetHandle: e.target_handle || TARGET_HANDLE,
  };
}

/** Canvas nodes for a spec; `prev` keeps measured sizes and selection of nodes that stay. */
export function canvasFromSpec(
  graph: Pick<GraphSpec, 'nodes' | 'edges' | 'notes'>,
  prev: readonly CanvasNode[] = [],
): { nodes: CanvasNode[]; edges: CanvasEdge[] } {
  const prevById = new Map(prev.map((n) => [n.id, n]));
  const nodes: CanvasNode[] = [
    ...(graph.notes ?? []).map((n) => toNoteNode(n, prevById.get(n.id))),
    ...graph.nodes.map((n) => toFlowNode(n, prevById.get(n.id))),
  ];
  return { nodes, edges: graph.edges.map(toCanvasEdge) };
}

const round = (v: number) => Math.round(v * 10) / 10;

export function specOfNode(n: FlowNode): NodeSpec {
  return { ...n.data.spec, position: { x: round(n.position.x), y: round(n.position.y) } };
}

export function noteOfNode(n: NoteNode): NoteSpec {
  return {
    ...n.data.note,
    position: { x: round(n.position.x), y: round(n.position.y) },
    width: n.width ?? n.measured?.width ?? n.data.note.width,
    height: n.height ?? n.measured?.height ?? n.data.note.height,
  };
}

export function edgeSpecOf(e: CanvasEdge): EdgeSpec {
  return {
    id: e.id,
    source: e.source,
    source_handle: e.sourceHandle ?? 'out',
    target: e.target,
    target_handle: e.targetHandle ?? TARGET_HANDLE,
  };
}

export function specFromCanvas(meta: GraphMeta, nodes: readonly CanvasNode[], edges: readonly CanvasEdge[]): GraphSpec {
  const flow: NodeSpec[] = [];
  const notes: NoteSpec[] = [];
  for (const n of nodes) {
    if (n.type === 'note') notes.push(noteOfNode(n as NoteNode));
    else flow.push(specOfNode(n as FlowNode));
  }
  return { ...meta, nodes: flow, edges: edges.map(edgeSpecOf), notes };
}

export function metaOf(graph: GraphSpec): GraphMeta {
  const { nodes: _n, edges: _e, notes: _no, ...meta } = graph;
  return {
    format_version: meta.format_version ?? 1,
    name: meta.name ?? '',
    description: meta.description ?? '',
    inputs: meta.inputs ?? [],
    outputs: meta.outputs ?? [],
  };
}

/** Fills what an older or hand-written spec may leave out. */
export function normalizeGraph(graph: Partial<GraphSpec> | null | undefined): GraphSpec {
  return {
    format_version: graph?.format_version ?? 1,
    name: graph?.name ?? '',
    description: graph?.description ?? '',
    inputs: graph?.inputs ?? [],
    outputs: graph?.outputs ?? [],
    nodes: (graph?.nodes ?? []).map((n) => ({
      ...n,
      version: n.version ?? 1,
      title: n.title ?? '',
      config: n.config ?? {},
      position: n.position ?? { x: 0, y: 0 },
    })),
    edges: (graph?.edges ?? []).map((e) => ({
      ...e,
      source_handle: e.source_handle ?? 'out',
      target_handle: e.target_handle ?? TARGET_HANDLE,
    })),
    notes: graph?.notes ?? [],
  };
}
