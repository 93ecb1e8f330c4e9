/**
 * What is open around the canvas: on its right one panel at a time — a drawer (test run,
 * versions, publish) or the panel of the selected node — and the keyboard shortcuts sheet.
 *
 * A drawer and a node panel can both be open; the one the user asked for last is in front and
 * the other waits behind it (the drawer keeps its state). Opening a drawer brings it to the
 * front; clicking a node brings its panel to the front; closing or deselecting shows the other
 * again. Selecting a node from elsewhere (a trace row, a diff row) leaves a drawer in front.
 * The node panel is closed by hand and opens again when the selection changes.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { CanvasNode, FlowNode } from './model/graph';

export type EditorDrawer = 'run' | 'versions' | 'publish';

/** The panel shown on the right of the canvas. */
export type RightPanel = EditorDrawer | 'node';

/** Which drawer is shown, and the header buttons' toggle. */
export interface DrawerToggles {
  open: EditorDrawer | null;
  toggle: (drawer: EditorDrawer) => void;
}

export interface EditorPanels {
  /** The open drawer, shown or waiting behind the node panel. */
  drawer: EditorDrawer | null;
  /** The panel shown on the right (null: the canvas has the whole width). */
  shown: RightPanel | null;
  drawers: DrawerToggles;
  openDrawer: (drawer: EditorDrawer) => void;
  closeDrawer: () => void;
  /** The one selected flow node of the canvas (null with none, several, or only notes). */
  selectedId: string | null;
  /** The node whose settings panel is shown. */
  panelNode: FlowNode | undefined;
  closeNodePanel: () => void;
  /** Shows the selected node's panel in front (a click on a node). */
  reopenNodePanel: () => void;
  shortcutsOpen: boolean;
  openShortcuts: () => void;
  closeShortcuts: () => void;
  toggleShortcuts: () => void;
}

/** `nodes`: what the canvas draws (the draft's nodes, or those of a read-only view). */
export function useEditorPanels(nodes: CanvasNode[]): EditorPanels {
  const [drawer, setDrawer] = useState<EditorDrawer | null>(null);
  const [nodeInFront, setNodeInFront] = useState(false);
  const [nodePanelClosed, setNodePanelClosed] = useState(false);
  const [shortcutsOpen, setShortcutsOpen] = useState(false);

  const selectedId = useMemo(() => {
    const sel = nodes.filter((n) => n.selected && n.type === 'flow');
    return sel.length === 1 ? sel[0]!.id : null;
  }, [nodes]);
  useEffect(() => {
    setNodePanelClosed(false);
    if (selectedId === null) setNodeInFront(false);
  }, [selectedId]);
  const selectedNode = selectedId ? (nodes.find((n) => n.id === selectedId) as FlowNode | undefined) : undefined;
  const nodePanelOpen = selectedNode !== undefined && !nodePanelClosed;
  const shown: RightPanel | null = nodePanelOpen && (drawer === null || nodeInFront) ? 'node' : drawer;
  const shownDrawer = shown === 'node' ? null : shown;

  const openDrawer = useCallback((d: EditorDrawer) => {
    setDrawer(d);
    setNodeInFront(false);
  }, []);
  const closeDrawer = useCallback(() => setDrawer(null), []);
  const toggle = useCallback(
    (d: EditorDrawer) => (shownDrawer === d ? closeDrawer() : openDrawer(d)),
    [shownDrawer, closeDrawer, openDrawer],
  );
  const drawers = useMemo(() => ({ open: shownDrawer, toggle }), [shownDrawer, toggle]);
  const closeNodePanel = useCallback(() => setNodePanelClosed(true), []);
  const reopenNodePanel = useCallback(() => {
    setNodePanelClosed(false);
    setNodeInFront(true);
  }, []);
  const openShortcuts = useCallback(() => setShortcutsOpen(true), []);
  const closeShortcuts = useCallback(() => setShortcutsOpen(false), []);
  const toggleShortcuts = useCallback(() => setShortcutsOpen((s) => !s), []);

  return {
    drawer,
    shown,
    drawers,
    openDrawer,
    closeDrawer,
    selectedId,
    panelNode: shown === 'node' ? selectedNode : undefined,
    closeNodePanel,
    reopenNodePanel,
    shortcutsOpen,
    openShortcuts,
    closeShortcuts,
    toggleShortcuts,
  };
}
