/** Where the canvas looks: its centre in flow coordinates, panning to a point that is off screen,
 * zooming in on one node, fitting the whole graph. */
import { useReactFlow } from '@xyflow/react';
import { useCallback, useMemo } from 'react';
import type { CanvasEdge, CanvasNode } from '../model/graph';
import { FIT } from '../useViewGraph';

type Point = { x: number; y: number };

export interface Viewport {
  /** The flow position at the centre of the visible canvas. */
  center: () => Point;
  /** Pans (keeping the zoom) when a point of the flow is outside the visible canvas. */
  reveal: (point: Point) => void;
  zoomToNode: (id: string) => void;
  fitAll: (duration: number) => void;
}

function canvasRect(): DOMRect | undefined {
  return window.document.querySelector('[data-testid="canvas"]')?.getBoundingClientRect();
}

export function useViewport(): Viewport {
  const flow = useReactFlow<CanvasNode, CanvasEdge>();

  const center = useCallback(() => {
    const r = canvasRect();
    const screen = r ? { x: r.left + r.width / 2, y: r.top + r.height / 2 } : { x: 400, y: 300 };
    return flow.screenToFlowPosition(screen);
  }, [flow]);

  const reveal = useCallback(
    (p: Point) => {
      requestAnimationFrame(() => {
        const r = canvasRect();
        if (!r) return;
        const s = flow.flowToScreenPosition(p);
        const margin = 60;
        if (s.x < r.left + margin || s.x > r.right - margin || s.y < r.top + margin || s.y > r.bottom - margin) {
          void flow.setCenter(p.x, p.y, { zoom: flow.getZoom(), duration: 250 });
        }
      });
    },
    [flow],
  );

  const zoomToNode = useCallback(
    (id: string) => void flow.fitView({ nodes: [{ id }], duration: 300, maxZoom: 1.1, padding: 0.6 }),
    [flow],
  );
  const fitAll = useCallback((duration: number) => void flow.fitView({ ...FIT, duration }), [flow]);

  return useMemo(() => ({ center, reveal, zoomToNode, fitAll }), [center, reveal, zoomToNode, fitAll]);
}
