/**
 * The working copy of the app graph on the canvas, with undo/redo. Every content change bumps
 * `version` (autosave and validation follow it); selection and in-flight drags do not.
 */
import {
  applyEdgeChanges,
  applyNodeChanges,
  type Connection,
  type EdgeChange,
  type NodeChange,
} from '@xyflow/react';
import { useCallback, useMemo, useRef, useState } from 'react';
import type { AppInput, EdgeSpec, GraphSpec, NodeSpec, NoteSpec } from '../apps/types';
import {
  canvasFromSpec,
  metaOf,
  specFromCanvas,
  toCanvasEdge,
  toFlowNode,
  toNoteNode,
  type CanvasEdge,
  type CanvasNode,
  type FlowNode,
  type GraphMeta,
} from './model/graph';
import { FAIL_HANDLE, sourceHandles, TARGET_HANDLE } from './model/handles';
import { emptyHistory, record, redo as redoStep, undo as undoStep, type History } from './model/history';
import { edgeId } from './model/ids';
import { layeredPositions } from './model/layout';

export interface GraphDoc {
  nodes: CanvasNode[];
  edges: CanvasEdge[];
  meta: GraphMeta;
}

const EMPTY: GraphDoc = {
  nodes: [],
  edges: [],
  meta: { format_version: 1, name: '', description: '', inputs: [], outputs: [] },
};

/** The operations alone: a stable object, safe in deps and context (never changes identity). */
export type GraphOps = Omit<GraphDocument, 'doc' | 'version' | 'canUndo' | 'canRedo' | 'ops'>;

export interface GraphDocument {
  ops: GraphOps;
  doc: GraphDoc;
  version: number;
  canUndo: boolean;
  canRedo: boolean;
  /** The graph spec of the working copy, always current (reads a ref, not render state). */
  getGraph(): GraphSpec;
  getDoc(): GraphDoc;
  load(graph: GraphSpec): void;
  /** Replaces the whole graph as one undoable step (load theirs, restore a version). */
  replace(graph: GraphSpec): void;
  onNodesChange(changes: NodeChange<CanvasNode>[]): void;
  onEdgesChange(changes: EdgeChange<CanvasEdge>[]): void;
  beginDrag(): void;
  connect(c: Connection): void;
  addNodes(nodes: NodeSpec[], edges?: EdgeSpec[], notes?: NoteSpec[], opts?: { select?: boolean }): void;
  updateNode(id: string, fn: (spec: NodeSpec) => NodeSpec, coalesceKey?: string): void;
  updateNote(id: string, fn: (note: NoteSpec) => NoteSpec): void;
  setInputs(inputs: AppInput[], coalesceKey?: string): void;
  deleteSelection(): void;
  deleteNode(id: string): void;
  selectOnly(ids: readonly string[]): void;
  selectAll(): void;
  organize(): void;
  undo(): void;
  redo(): void;
}

export function useGraphDocument(): GraphDocument {
  const [doc, setDoc] = useState<GraphDoc>(EMPTY);
  const [version, setVersion] = useState(0);
  const [hist, setHist] = useState<History<GraphSpec>>(emptyHistory);
  const docRef = useRef<GraphDoc>(EMPTY);
  const histRef = useRef<History<GraphSpec>>(hist);

  const put = useCallback((next: GraphDoc, content: boolean) => {
    docRef.current = next;
    setDoc(next);
    if (content) setVersion((v) => v + 1);
  }, []);
  const putHistory = useCallback((h: History<GraphSpec>) => {
    histRef.current = h;
    setHist(h);
  }, []);

  const getGraph = useCallback(() => {
    const d = docRef.current;
    return specFromCanvas(d.meta, d.nodes, d.edges);
  }, []);
  const getDoc = useCallback(() => docRef.current, []);

  /** Records an undo step, then applies a content change. */
  const change = useCallback(
    (fn: (d: GraphDoc) => GraphDoc, coalesceKey: string | null = null) => {
      const before = getGraph();
      const next = fn(docRef.current);
      if (next === docRef.current) return;
      putHistory(record(histRef.current, before, coalesceKey));
      put(next, true);
    },
    [getGraph, put, putHistory],
  );

  const fromSpec = useCallback((graph: GraphSpec): GraphDoc => {
    const { nodes, edges } = canvasFromSpec(graph, docRef.current.nodes);
    return { nodes, edges, meta: metaOf(graph) };
  }, []);

  const load = useCallback(
    (graph: GraphSpec) => {
      putHistory(emptyHistory());
      const { nodes, edges } = canvasFromSpec(graph);
      put({ nodes, edges, meta: metaOf(graph) }, false);
    },
    [put, putHistory],
  );

  const replace = useCallback((graph: GraphSpec) => change(() => fromSpec(graph)), [change, fromSpec]);

  const onNodesChange = useCallback(
    (changes: NodeChange<CanvasNode>[]) => {
      const kept = changes.filter((c) => c.type !== 'remove' && c.type !== 'add' && c.type !== 'replace');
      if (!kept.length) return;
      const d = docRef.current;
      const nodes = applyNodeChanges(kept, d.nodes);
      // A drag or a note resize that just ended is a content change; frames in between are not.
      const ended = kept.some(
        (c) => (c.type === 'position' && c.dragging === false) || (c.type === 'dimensions' && c.resizing === false),
      );
      put({ ...d, nodes }, ended);
    },
    [put],
  );

  const onEdgesChange = useCallback(
    (changes: EdgeChange<CanvasEdge>[]) => {
      const kept = changes.filter((c) => c.type === 'select');
      if (!kept.length) return;
      const d = docRef.current;
      put({ ...d, edges: applyEdgeChanges(kept, d.edges) }, false);
    },
    [put],
  );

  const beginDrag = useCallback(() => {
    putHistory(record(histRef.current, getGraph(), null));
  }, [getGraph, putHistory]);

  const connect = useCallback(
    (c: Connection) => {
      if (!c.source || !c.target || c.source === c.target) return;
      const sh = c.sourceHandle ?? 'out';
      const th = c.targetHandle ?? TARGET_HANDLE;
      change((d) => {
        if (d.edges.some((e) => e.source === c.source && e.target === c.target && (e.sourceHandle ?? 'out') === sh)) return d;
        const edge = toCanvasEdge({ id: edgeId(c.source, sh, c.target, th), source: c.source, source_handle: sh, target: c.target, target_handle: th });
        return { ...d, edges: [...d.edges, edge] };
      });
    },
    [change],
  );

  const addNodes = useCallback(
    (specs: NodeSpec[], edgeSpecs: EdgeSpec[] = [], notes: NoteSpec[] = [], { select = true } = {}) => {
      change((d) => {
        const base = select ? d.nodes.map((n) => (n.selected ? { ...n, selected: false } : n)) : d.nodes;
        const added: CanvasNode[] = [
          ...notes.map((n) => ({ ...toNoteNode(n), selected: select })),
          ...specs.map((s) => ({ ...toFlowNode(s), selected: select })),
        ];
        return { ...d, nodes: [...base, ...added], edges: [...d.edges, ...edgeSpecs.map(toCanvasEdge)] };
      });
    },
    [change],
  );

  const updateNode = useCallback(
    (id: string, fn: (spec: NodeSpec) => NodeSpec, coalesceKey?: string) => {
      change((d) => {
        let touched = false;
        const nodes = d.nodes.map((n) => {
          if (n.id !== id || n.type !== 'flow') return n;
          touched = true;
          const fnode = n as FlowNode;
          return { ...fnode, data: { ...fnode.data, spec: fn(fnode.data.spec) } };
        });
        if (!touched) return d;
        // Handles that no longer exist (a removed branch case, fail branch off) drop their edges.
        const node = nodes.find((n) => n.id === id) as FlowNode;
        const spec = node.data.spec;
        let edges = d.edges;
        if (spec.settings?.error_strategy !== 'fail_branch') {
          edges = edges.filter((e) => !(e.source === id && e.sourceHandle === FAIL_HANDLE));
        }
        return { ...d, nodes, edges };
      }, coalesceKey ?? null);
    },
    [change],
  );

  const updateNote = useCallback(
    (id: string, fn: (note: NoteSpec) => NoteSpec) => {
      change((d) => ({
        ...d,
        nodes: d.nodes.map((n) => (n.id === id && n.type === 'note' ? { ...n, data: { note: fn(n.data.note as NoteSpec) } } : n)),
      }));
    },
    [change],
  );

  const setInputs = useCallback(
    (inputs: AppInput[], coalesceKey?: string) => change((d) => ({ ...d, meta: { ...d.meta, inputs } }), coalesceKey ?? null),
    [change],
  );

  const deleteWhere = useCallback(
    (pick: (n: CanvasNode) => boolean, pickEdge: (e: CanvasEdge) => boolean) => {
      change((d) => {
        const gone = new Set(d.nodes.filter(pick).map((n) => n.id));
        const edges = d.edges.filter((e) => !gone.has(e.source) && !gone.has(e.target) && !pickEdge(e));
        if (!gone.size && edges.length === d.edges.length) return d;
        return { ...d, nodes: d.nodes.filter((n) => !gone.has(n.id)), edges };
      });
    },
    [change],
  );

  const deleteSelection = useCallback(() => deleteWhere((n) => !!n.selected, (e) => !!e.selected), [deleteWhere]);
  const deleteNode = useCallback((id: string) => deleteWhere((n) => n.id === id, () => false), [deleteWhere]);

  const selectOnly = useCallback(
    (ids: readonly string[]) => {
      const want = new Set(ids);
      const d = docRef.current;
      put(
        {
          ...d,
          nodes: d.nodes.map((n) => (!!n.selected === want.has(n.id) ? n : { ...n, selected: want.has(n.id) })),
          edges: d.edges.map((e) => (e.selected ? { ...e, selected: false } : e)),
        },
        false,
      );
    },
    [put],
  );

  const selectAll = useCallback(() => selectOnly(docRef.current.nodes.map((n) => n.id)), [selectOnly]);

  const organize = useCallback(() => {
    change((d) => {
      const flow = d.nodes.filter((n) => n.type === 'flow');
      const positions = layeredPositions(
        flow.map((n) => ({
          id: n.id,
          width: n.measured?.width ?? 240,
          height: n.measured?.height ?? 90,
          handles: sourceHandles((n as FlowNode).data.spec, undefined).map((h) => h.id),
        })),
        d.edges,
      );
      return { ...d, nodes: d.nodes.map((n) => (positions.has(n.id) ? { ...n, position: positions.get(n.id)! } : n)) };
    });
  }, [change]);

  const undo = useCallback(() => {
    const step = undoStep(histRef.current, getGraph());
    if (!step) return;
    putHistory(step.history);
    put(fromSpec(step.state), true);
  }, [getGraph, put, putHistory, fromSpec]);

  const redo = useCallback(() => {
    const step = redoStep(histRef.current, getGraph());
    if (!step) return;
    putHistory(step.history);
    put(fromSpec(step.state), true);
  }, [getGraph, put, putHistory, fromSpec]);

  const ops = useMemo<GraphOps>(
    () => ({
      getGraph,
      getDoc,
      load,
      replace,
      onNodesChange,
      onEdgesChange,
      beginDrag,
      connect,
      addNodes,
      updateNode,
      updateNote,
      setInputs,
      deleteSelection,
      deleteNode,
      selectOnly,
      selectAll,
      organize,
      undo,
      redo,
    }),
    [getGraph, getDoc, load, replace, onNodesChange, onEdgesChange, beginDrag, connect, addNodes, updateNode, updateNote, setInputs, deleteSelection, deleteNode, selectOnly, selectAll, organize, undo, redo],
  );

  return useMemo(
    () => ({ ...ops, ops, doc, version, canUndo: hist.past.length > 0, canRedo: hist.future.length > 0 }),
    [ops, doc, version, hist],
  );
}
