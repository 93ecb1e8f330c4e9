import { describe, expect, it } from 'vitest';
import { layeredPositions, type LayoutEdge, type LayoutNode } from './layout';

const box = (id: string, handles?: string[]): LayoutNode => ({ id, width: 240, height: 90, handles });

describe('organize', () => {
  const branchEdges: LayoutEdge[] = [
    { source: 'route', target: 'fast', sourceHandle: 'urgent' },
    { source: 'route', target: 'bill', sourceHandle: 'billing' },
    { source: 'route', target: 'slow', sourceHandle: 'else' },
  ];

  it.each([
    ['as the cases were added', branchEdges],
    ['in reverse', [...branchEdges].reverse()],
  ])("stacks a branch's targets in the order of its cases, edges listed %s", (_, caseEdges) => {
    const nodes = [box('start'), box('route', ['urgent', 'billing', 'else']), box('slow'), box('fast'), box('bill')];
    const edges: LayoutEdge[] = [{ source: 'start', target: 'route' }, ...caseEdges];

    const at = layeredPositions(nodes, edges);

    const ys = ['fast', 'bill', 'slow'].map((id) => at.get(id)!.y);
    expect(ys[0]).toBeLessThan(ys[1]!);
    expect(ys[1]).toBeLessThan(ys[2]!);
    expect(new Set(['fast', 'bill', 'slow'].map((id) => at.get(id)!.x)).size).toBe(1); // one column
    expect(at.get('route')!.x).toBeGreaterThan(at.get('start')!.x);
  });

  it('leaves a child with another parent where dagre put it', () => {
    const nodes = [box('a'), box('b'), box('route', ['yes', 'no']), box('join'), box('solo')];
    const edges: LayoutEdge[] = [
      { source: 'a', target: 'route' },
      { source: 'route', target: 'join', sourceHandle: 'yes' },
      { source: 'b', target: 'join' },
      { source: 'route', target: 'solo', sourceHandle: 'no' },
    ];
    const plain = layeredPositions(nodes.map(({ handles: _h, ...n }) => n), edges);

    expect(layeredPositions(nodes, edges).get('join')).toEqual(plain.get('join'));
  });
});
