/** Showing a node on the canvas from elsewhere (a trace row, a diff row, a checklist issue):
 * select it and zoom in on it; an issue of the draft first brings the draft back. */
import { useCallback } from 'react';
import type { Issue } from '../apps/types';
import type { Viewport } from './canvas/useViewport';
import type { GraphOps } from './useGraphDocument';
import type { ViewMode } from './useViewMode';

export function useNodeFocus(
  view: Pick<ViewMode, 'editing' | 'edit' | 'select'>,
  viewport: Pick<Viewport, 'zoomToNode'>,
  getDoc: GraphOps['getDoc'],
) {
  const { editing, edit, select } = view;
  const { zoomToNode } = viewport;

  const focusNode = useCallback(
    (id: string) => {
      select(id);
      zoomToNode(id);
    },
    [select, zoomToNode],
  );
  const focusIssue = useCallback(
    (issue: Issue) => {
      if (!editing) edit();
      if (issue.node_id) focusNode(issue.node_id);
      else if (issue.edge_id) {
        const e = getDoc().edges.find((x) => x.id === issue.edge_id);
        if (e) focusNode(e.source);
      }
    },
    [editing, edit, focusNode, getDoc],
  );
  return { focusNode, focusIssue };
}
