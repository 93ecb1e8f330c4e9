/**
 * What the editor shows: the draft, editable (unless the role only lets one look), or read-only
 * a past run, a saved version, or the diff of two versions. From that follow what the canvas
 * draws, whether it can be changed, and the banner above it.
 */
import type { NodeChange } from '@xyflow/react';
import { useCallback, useState } from 'react';
import type { AppInput, GraphSpec, VersionDetail } from '../apps/types';
import type { EditorStores } from './context';
import type { DiffModel } from './model/diffModel';
import { normalizeGraph, type CanvasEdge, type CanvasNode } from './model/graph';
import type { GraphDocument } from './useGraphDocument';
import { EDIT, useViewGraph, type View } from './useViewGraph';

export interface ViewMode {
  view: View;
  editing: boolean;
  readOnly: boolean;
  /** The past run on the canvas, or the version shown, else null. */
  viewingRunId: string | null;
  viewingVersion: number | null;
  /** What the canvas draws: the draft's graph while editing, else the view's. */
  nodes: CanvasNode[];
  edges: CanvasEdge[];
  /** The app inputs of what is shown (the start node's panel lists them). */
  inputs: AppInput[];
  onNodesChange: (changes: NodeChange<CanvasNode>[]) => void;
  /** Selects one node (or none) of what is shown. */
  select: (id: string | null) => void;
  /** Selects one node (or none) of a read-only view. */
  selectInView: (id: string | null) => void;
  /** The line above the canvas, or null while editing with the right to edit. */
  banner: string | null;
  edit: () => void;
  showRun: (runId: string, graph: GraphSpec) => void;
  showVersion: (version: VersionDetail) => void;
  showDiff: (model: DiffModel, label: string) => void;
  /** Back to the draft when a version or a diff is shown (the versions drawer closes). */
  leaveVersions: () => void;
}

function bannerOf(view: View, canEdit: boolean): string | null {
  switch (view.kind) {
    case 'run':
      return 'Past run — read-only. Click a node to see what it did.';
    case 'version':
      return `Version ${view.number} — read-only.`;
    case 'diff':
      return `Comparing ${view.label}: green added, amber changed, red (ghosted) removed.`;
    default:
      return canEdit ? null : 'You can view this app but not edit it.';
  }
}

export function useViewMode(document: GraphDocument, stores: EditorStores, canEdit: boolean): ViewMode {
  const [view, setView] = useState<View>(EDIT);
  const { viewGraph, viewNodes, viewEdges, onViewNodesChange, selectInView } = useViewGraph(view, stores);
  const editing = view.kind === 'edit';
  const { ops, doc } = document;

  const select = useCallback(
    (id: string | null) => {
      if (editing) ops.selectOnly(id === null ? [] : [id]);
      else selectInView(id);
    },
    [editing, ops, selectInView],
  );
  const edit = useCallback(() => setView(EDIT), []);
  const showRun = useCallback((runId: string, graph: GraphSpec) => setView({ kind: 'run', runId, graph: normalizeGraph(graph) }), []);
  const showVersion = useCallback((v: VersionDetail) => setView({ kind: 'version', number: v.number, graph: normalizeGraph(v.graph) }), []);
  const showDiff = useCallback((model: DiffModel, label: string) => setView({ kind: 'diff', model, label }), []);
  const leaveVersions = useCallback(() => setView((v) => (v.kind === 'diff' || v.kind === 'version' ? EDIT : v)), []);

  return {
    view,
    editing,
    readOnly: !editing || !canEdit,
    viewingRunId: view.kind === 'run' ? view.runId : null,
    viewingVersion: view.kind === 'version' ? view.number : null,
    nodes: editing ? doc.nodes : viewNodes,
    edges: editing ? doc.edges : viewEdges,
    inputs: editing ? doc.meta.inputs : (viewGraph?.inputs ?? []),
    onNodesChange: editing ? ops.onNodesChange : onViewNodesChange,
    select,
    selectInView,
    banner: bannerOf(view, canEdit),
    edit,
    showRun,
    showVersion,
    showDiff,
    leaveVersions,
  };
}
