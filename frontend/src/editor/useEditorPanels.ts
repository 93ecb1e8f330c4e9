/**
 * What is open around the canvas: the drawer on the right (test run, versions, publish), the
 * panel of the selected node (closed by hand, open again when the selection changes or a node is
 * clicked) and the keyboard shortcuts sheet.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { CanvasNode, FlowNode } from './model/graph';

export type EditorDrawer = 'run' | 'versions' | 'publish';

/** Which drawer is open, and the header buttons' toggle. */
export interface DrawerToggles {
  open: EditorDrawer | null;
  toggle: (drawer: EditorDrawer) => void;
}

export interface EditorPanels {
  drawer: EditorDrawer | null;
  drawers: DrawerToggles;
  openDrawer: (drawer: EditorDrawer) => void;
  closeDrawer: () => void;
  /** The one selected flow node of the canvas (null with none, several, or only notes). */
  selectedId: string | null;
  /** The node whose settings panel is shown. */
  panelNode: FlowNode | undefined;
  closeNodePanel: () => void;
  reopenNodePanel: () => void;
  shortcutsOpen: boolean;
  openShortcuts: () => void;
  closeShortcuts: () => void;
  toggleShortcuts: () => void;
}

/** `nodes`: what the canvas draws (the draft's nodes, or those of a read-only view). */
export function useEditorPanels(nodes: CanvasNode[]): EditorPanels {
  const [drawer, setDrawer] = useState<EditorDrawer | null>(null);
  const [nodePanelClosed, setNodePanelClosed] = useState(false);
  const [shortcutsOpen, setShortcutsOpen] = useState(false);

  const selectedId = useMemo(() => {
    const sel = nodes.filter((n) => n.selected && n.type === 'flow');
    return sel.length === 1 ? sel[0]!.id : null;
  }, [nodes]);
  useEffect(() => setNodePanelClosed(false), [selectedId]);
  const selectedNode = selectedId ? (nodes.find((n) => n.id === selectedId) as FlowNode | undefined) : undefined;

  const closeDrawer = useCallback(() => setDrawer(null), []);
  const toggle = useCallback((d: EditorDrawer) => setDrawer((cur) => (cur === d ? null : d)), []);
  const drawers = useMemo(() => ({ open: drawer, toggle }), [drawer, toggle]);
  const closeNodePanel = useCallback(() => setNodePanelClosed(true), []);
  const reopenNodePanel = useCallback(() => setNodePanelClosed(false), []);
  const openShortcuts = useCallback(() => setShortcutsOpen(true), []);
  const closeShortcuts = useCallback(() => setShortcutsOpen(false), []);
  const toggleShortcuts = useCallback(() => setShortcutsOpen((s) => !s), []);

  return {
    drawer,
    drawers,
    openDrawer: setDrawer,
    closeDrawer,
    selectedId,
    panelNode: nodePanelClosed ? undefined : selectedNode,
    closeNodePanel,
    reopenNodePanel,
    shortcutsOpen,
    openShortcuts,
    closeShortcuts,
    toggleShortcuts,
  };
}
