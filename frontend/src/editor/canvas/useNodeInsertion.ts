/**
 * Adding to the graph from the canvas: the node picker (opened from the toolbar, from a node's
 * "+" handle, or by dropping a connection on empty canvas), the palette (click or drag), sticky
 * notes. A node added from a handle comes connected; the view pans to show what was added.
 */
import { useCallback, useState } from 'react';
import type { ModelOption, NodeTypeDef } from '../../apps/types';
import { edgeId, newNoteId } from '../model/ids';
import { newNodeSpec } from '../model/newNode';
import type { GraphOps } from '../useGraphDocument';
import type { PickerRequest } from './NodePicker';
import type { Viewport } from './useViewport';

type Point = { x: number; y: number };
type From = { nodeId: string; handle: string };

export interface NodeInsertion {
  /** The open node picker, or null. */
  picker: PickerRequest | null;
  closePicker: () => void;
  /** The picker's choice: adds that node where the picker was opened for. */
  pick: (type: string) => void;
  openPickerFromHandle: (nodeId: string, handle: string, anchor: Point) => void;
  onConnectToEmpty: (from: From, screen: Point, flowPos: Point) => void;
  onAddNode: (screen: Point) => void;
  onDropType: (type: string, position: Point) => void;
  onPaletteAdd: (type: string) => void;
  onAddNote: () => void;
}

export function useNodeInsertion({
  typeMap,
  models,
  ops,
  readOnly,
  viewport,
}: {
  typeMap: ReadonlyMap<string, NodeTypeDef>;
  models: ModelOption[] | null;
  ops: GraphOps;
  readOnly: boolean;
  viewport: Viewport;
}): NodeInsertion {
  const [picker, setPicker] = useState<PickerRequest | null>(null);
  const { getDoc } = ops;
  const { center, reveal } = viewport;

  const addNodeOfType = useCallback(
    (type: string, position: Point, from?: From) => {
      const def = typeMap.get(type);
      if (!def || readOnly) return;
      const taken = new Set(getDoc().nodes.map((n) => n.id));
      const spec = newNodeSpec(def, position, taken, models ?? []);
      const edges = from
        ? [{ id: edgeId(from.nodeId, from.handle, spec.id, 'in'), source: from.nodeId, source_handle: from.handle, target: spec.id, target_handle: 'in' }]
        : [];
      ops.addNodes([spec], edges);
      reveal({ x: spec.position.x + 120, y: spec.position.y + 40 });
    },
    [typeMap, readOnly, getDoc, models, ops, reveal],
  );

  const closePicker = useCallback(() => setPicker(null), []);
  const pick = useCallback(
    (type: string) => {
      if (!picker) return;
      addNodeOfType(type, picker.flow, picker.from);
      setPicker(null);
    },
    [picker, addNodeOfType],
  );
  const openPickerFromHandle = useCallback(
    (nodeId: string, handle: string, anchor: Point) => {
      const n = getDoc().nodes.find((x) => x.id === nodeId);
      const outs = getDoc().edges.filter((e) => e.source === nodeId).length;
      const flowPos = n ? { x: n.position.x + (n.measured?.width ?? 240) + 80, y: n.position.y + outs * 40 } : center();
      setPicker({ screen: anchor, flow: flowPos, from: { nodeId, handle } });
    },
    [getDoc, center],
  );
  const onConnectToEmpty = useCallback(
    (from: From, screen: Point, flowPos: Point) => setPicker({ screen, flow: { x: flowPos.x, y: flowPos.y - 30 }, from }),
    [],
  );
  const onAddNode = useCallback((screen: Point) => setPicker({ screen, flow: center() }), [center]);

  const onDropType = useCallback((type: string, pos: Point) => addNodeOfType(type, pos), [addNodeOfType]);
  const onPaletteAdd = useCallback(
    (type: string) => {
      const c = center();
      addNodeOfType(type, { x: c.x - 120, y: c.y - 40 });
    },
    [center, addNodeOfType],
  );
  const onAddNote = useCallback(() => {
    const c = center();
    const taken = new Set(getDoc().nodes.map((n) => n.id));
    ops.addNodes([], [], [{ id: newNoteId(taken), text: '', position: { x: c.x - 110, y: c.y - 70 }, width: 220, height: 140, color: 'yellow' }]);
  }, [center, getDoc, ops]);

  return { picker, closePicker, pick, openPickerFromHandle, onConnectToEmpty, onAddNode, onDropType, onPaletteAdd, onAddNote };
}
