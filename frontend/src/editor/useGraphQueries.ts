/** Questions about the working copy that the panels, the header and the canvas ask: node titles
 * and types, the variables a node can use, which connections are allowed. The functions read the
 * graph when called, so their identities stay stable. */
import type { IsValidConnection } from '@xyflow/react';
import { useCallback, useMemo } from 'react';
import type { NodeTypeDef } from '../apps/types';
import type { CanvasEdge, FlowNode } from './model/graph';
import { upstreamVariables, type VariableOption } from './model/upstream';
import type { GraphDocument } from './useGraphDocument';

export interface GraphQueries {
  /** The node's title, else its type's title, else its id. */
  nodeTitle: (id: string) => string;
  nodeType: (id: string) => string | undefined;
  /** The variables a node's config can reference (inputs and upstream outputs). */
  getVariables: (nodeId: string) => VariableOption[];
  /** No loops onto a node itself, nothing into a start node or a note. */
  isValidConnection: IsValidConnection<CanvasEdge>;
  /** The flow nodes' ids and the start node's id (what a single-node run can reference). */
  flowNodeIds: ReadonlySet<string>;
  startId: string | null;
}

export function useGraphQueries(document: GraphDocument, typeMap: ReadonlyMap<string, NodeTypeDef>): GraphQueries {
  const { getDoc } = document.ops;
  const nodes = document.doc.nodes;

  const nodeTitle = useCallback(
    (id: string) => {
      const n = getDoc().nodes.find((x) => x.id === id) as FlowNode | undefined;
      return n?.data.spec?.title || typeMap.get(n?.data.spec?.type ?? '')?.title || id;
    },
    [getDoc, typeMap],
  );
  const nodeType = useCallback(
    (id: string) => (getDoc().nodes.find((x) => x.id === id) as FlowNode | undefined)?.data.spec?.type,
    [getDoc],
  );
  const getVariables = useCallback(
    (nodeId: string) => {
      const d = getDoc();
      const specs = d.nodes.filter((n) => n.type === 'flow').map((n) => (n as FlowNode).data.spec);
      const edges = d.edges.map((e) => ({ source: e.source, target: e.target }));
      return upstreamVariables(nodeId, specs, edges, typeMap, d.meta.inputs);
    },
    [getDoc, typeMap],
  );
  const isValidConnection: IsValidConnection<CanvasEdge> = useCallback(
    (c) => {
      if (c.source === c.target) return false;
      const target = getDoc().nodes.find((n) => n.id === c.target) as FlowNode | undefined;
      return !!target && target.type === 'flow' && !typeMap.get(target.data.spec.type)?.is_start;
    },
    [getDoc, typeMap],
  );

  const flowNodeIds = useMemo(() => new Set(nodes.filter((n) => n.type === 'flow').map((n) => n.id)), [nodes.length]); // eslint-disable-line
  const startId = useMemo(
    () => (nodes.find((n) => n.type === 'flow' && typeMap.get((n as FlowNode).data.spec.type)?.is_start)?.id ?? null),
    [nodes.length, typeMap], // eslint-disable-line
  );

  return { nodeTitle, nodeType, getVariables, isValidConnection, flowNodeIds, startId };
}
