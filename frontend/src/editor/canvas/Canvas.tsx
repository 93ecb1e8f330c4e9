/** The React Flow canvas with its toolbar (and the pointer/hand mode it sets), undo/redo, minimap
 * and zoom controls. */
import {
  Background,
  BackgroundVariant,
  Controls,
  MiniMap,
  Panel,
  ReactFlow,
  SelectionMode,
  useReactFlow,
  type Connection,
  type EdgeChange,
  type FinalConnectionState,
  type IsValidConnection,
  type NodeChange,
  type OnConnectEnd,
} from '@xyflow/react';
import { memo, useCallback, useState, type DragEvent, type MouseEvent as ReactMouseEvent } from 'react';
import { shortcutLabel } from '../model/keyboard';
import type { CanvasEdge, CanvasNode } from '../model/graph';
import { NODE_TYPES } from './FlowNodeView';
import { TypeIcon } from './icons';
import { DRAG_MIME } from './Palette';

export type PointerMode = 'pointer' | 'hand';

/** The undo/redo buttons. */
export interface CanvasHistory {
  canUndo: boolean;
  canRedo: boolean;
  undo: () => void;
  redo: () => void;
}

/** What the canvas reports (edits of the graph, clicks, drops) and its toolbar's commands. */
export interface CanvasHandlers {
  onEdgesChange: (c: EdgeChange<CanvasEdge>[]) => void;
  onConnect: (c: Connection) => void;
  onNodeDragStart: () => void;
  isValidConnection: IsValidConnection<CanvasEdge>;
  onDropType: (type: string, flow: { x: number; y: number }) => void;
  onConnectToEmpty: (from: { nodeId: string; handle: string }, screen: { x: number; y: number }, flow: { x: number; y: number }) => void;
  onNodeClick: (id: string) => void;
  onPaneClick: () => void;
  onAddNode: (screen: { x: number; y: number }) => void;
  onAddNote: () => void;
  onOrganize: () => void;
}

export interface CanvasProps {
  nodes: CanvasNode[];
  edges: CanvasEdge[];
  readOnly: boolean;
  /** Selection changes always; moves and resizes only where the graph can be edited. */
  onNodesChange: (c: NodeChange<CanvasNode>[]) => void;
  history: CanvasHistory;
  handlers: CanvasHandlers;
}

const FIT_OPTIONS = { padding: 0.2, maxZoom: 1.2 };
const PRO_OPTIONS = { hideAttribution: true };
const DEFAULT_EDGE_OPTIONS = { type: 'default' };

function minimapColor(n: CanvasNode): string {
  return n.type === 'note' ? 'var(--note-yellow)' : 'var(--accent)';
}

function CanvasInner(p: CanvasProps) {
  const flow = useReactFlow();
  const [mode, setMode] = useState<PointerMode>('pointer');
  const h = p.handlers;

  const onDragOver = useCallback((e: DragEvent) => {
    if (e.dataTransfer.types.includes(DRAG_MIME)) {
      e.preventDefault();
      e.dataTransfer.dropEffect = 'move';
    }
  }, []);

  const { onDropType, onConnectToEmpty, onNodeClick } = h;
  const onDrop = useCallback(
    (e: DragEvent) => {
      const type = e.dataTransfer.getData(DRAG_MIME);
      if (!type) return;
      e.preventDefault();
      const pos = flow.screenToFlowPosition({ x: e.clientX, y: e.clientY });
      onDropType(type, { x: pos.x - 120, y: pos.y - 30 });
    },
    [flow, onDropType],
  );

  const onConnectEnd: OnConnectEnd = useCallback(
    (event: MouseEvent | TouchEvent, state: FinalConnectionState) => {
      if (state.isValid || !state.fromNode || state.fromHandle?.type !== 'source') return;
      const target = event.target as Element | null;
      if (!target?.classList.contains('react-flow__pane')) return;
      const pt = 'changedTouches' in event ? event.changedTouches[0]! : (event as MouseEvent);
      const screen = { x: pt.clientX, y: pt.clientY };
      onConnectToEmpty(
        { nodeId: state.fromNode.id, handle: state.fromHandle.id ?? 'out' },
        screen,
        flow.screenToFlowPosition(screen),
      );
    },
    [flow, onConnectToEmpty],
  );

  const handleNodeClick = useCallback((_: ReactMouseEvent, node: CanvasNode) => onNodeClick(node.id), [onNodeClick]);

  const hand = mode === 'hand';
  const ro = p.readOnly;
  return (
    <div className={`canvas-wrap ${ro ? 'editor-readonly' : ''} mode-${mode}`} data-testid="canvas" onDragOver={onDragOver} onDrop={onDrop}>
      <ReactFlow<CanvasNode, CanvasEdge>
        nodes={p.nodes}
        edges={p.edges}
        nodeTypes={NODE_TYPES}
        defaultEdgeOptions={DEFAULT_EDGE_OPTIONS}
        onNodesChange={p.onNodesChange}
        onEdgesChange={h.onEdgesChange}
        onConnect={h.onConnect}
        onConnectEnd={onConnectEnd}
        onNodeDragStart={h.onNodeDragStart}
        onNodeClick={handleNodeClick}
        onPaneClick={h.onPaneClick}
        isValidConnection={h.isValidConnection}
        nodesDraggable={!ro}
        nodesConnectable={!ro}
        elementsSelectable
        deleteKeyCode={null}
        selectionKeyCode="Shift"
        multiSelectionKeyCode={['Meta', 'Control']}
        panActivationKeyCode="Space"
        selectionOnDrag={!hand && !ro}
        selectionMode={SelectionMode.Partial}
        panOnDrag={hand || ro ? true : [1, 2]}
        panOnScroll
        zoomOnScroll={false}
        zoomOnPinch
        minZoom={0.1}
        maxZoom={2}
        fitView
        fitViewOptions={FIT_OPTIONS}
        onlyRenderVisibleElements
        proOptions={PRO_OPTIONS}
      >
        <Background variant={BackgroundVariant.Dots} gap={18} size={1.2} />
        {!ro && (
          <Panel position="top-center" className="canvas-toolbar" aria-label="Canvas tools">
            <button
              type="button"
              title="Add node"
              aria-label="Add node"
              onClick={(e) => {
                const r = e.currentTarget.getBoundingClientRect();
                h.onAddNode({ x: r.left, y: r.bottom + 6 });
              }}
            >
              <TypeIcon name="plus" /> Node
            </button>
            <button type="button" title="Add sticky note" aria-label="Add sticky note" onClick={h.onAddNote}>
              <TypeIcon name="note" /> Note
            </button>
            <span className="tb-sep" />
            <button type="button" aria-pressed={!hand} aria-label="Pointer mode" title="Pointer: drag to select (hold Space to pan)" onClick={() => setMode('pointer')}>
              <TypeIcon name="pointer" />
            </button>
            <button type="button" aria-pressed={hand} aria-label="Hand mode" title="Hand: drag to pan" onClick={() => setMode('hand')}>
              <TypeIcon name="hand" />
            </button>
            <span className="tb-sep" />
            <button type="button" aria-label="Organize" title={`Organize (${shortcutLabel('Ctrl+O')})`} onClick={h.onOrganize}>
              <TypeIcon name="organize" /> Organize
            </button>
            <button type="button" aria-label="Fit view" title={`Fit view (${shortcutLabel('Ctrl+1')})`} onClick={() => void flow.fitView(FIT_OPTIONS)}>
              <TypeIcon name="fit" /> Fit
            </button>
          </Panel>
        )}
        {!ro && (
          <Panel position="bottom-left" className="undo-redo">
            <button type="button" aria-label="Undo" title={`Undo (${shortcutLabel('Ctrl+Z')})`} disabled={!p.history.canUndo} onClick={p.history.undo}>
              <TypeIcon name="undo" />
            </button>
            <button type="button" aria-label="Redo" title={`Redo (${shortcutLabel('Ctrl+Shift+Z')})`} disabled={!p.history.canRedo} onClick={p.history.redo}>
              <TypeIcon name="redo" />
            </button>
          </Panel>
        )}
        <MiniMap position="bottom-right" pannable zoomable nodeColor={minimapColor} className="minimap" ariaLabel="Minimap" />
        <Controls position="bottom-right" showInteractive={false} fitViewOptions={FIT_OPTIONS} className="zoom-controls" />
      </ReactFlow>
    </div>
  );
}

export const Canvas = memo(CanvasInner);
