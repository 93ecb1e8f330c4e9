import { act, renderHook } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { CanvasNode, FlowNode } from './model/graph';
import { useEditorPanels } from './useEditorPanels';

function flowNode(id: string, selected = false): FlowNode {
  return {
    id,
    type: 'flow',
    position: { x: 0, y: 0 },
    selected,
    data: { spec: { id, type: 'prompt', version: 1, title: id, config: {}, position: { x: 0, y: 0 } } },
  };
}

function panelsWith(selectedId: string | null) {
  const nodes = (sel: string | null): CanvasNode[] => [flowNode('llm', sel === 'llm'), flowNode('answer', sel === 'answer')];
  return renderHook(({ sel }) => useEditorPanels(nodes(sel)), { initialProps: { sel: selectedId } });
}

describe('useEditorPanels: one panel at a time on the right of the canvas', () => {
  it('opening Run over a node panel shows the run panel only; a click on a node brings its panel back', () => {
    const { result } = panelsWith('llm');
    expect(result.current.shown).toBe('node');

    act(() => result.current.drawers.toggle('run'));
    expect(result.current.shown).toBe('run');
    expect(result.current.panelNode).toBeUndefined();
    expect(result.current.drawers.open).toBe('run');

    act(() => result.current.reopenNodePanel());
    expect(result.current.shown).toBe('node');
    expect(result.current.panelNode?.id).toBe('llm');
    // The run panel waits behind it: the header's Run button is not pressed, and pressing it
    // brings the run panel back instead of closing it.
    expect(result.current.drawer).toBe('run');
    expect(result.current.drawers.open).toBeNull();
    act(() => result.current.drawers.toggle('run'));
    expect(result.current.shown).toBe('run');
    act(() => result.current.drawers.toggle('run'));
    expect(result.current.shown).toBe('node');
    expect(result.current.drawer).toBeNull();
  });

  it('deselecting the node shows the drawer behind it again', () => {
    const { result, rerender } = panelsWith('llm');
    act(() => result.current.openDrawer('versions'));
    act(() => result.current.reopenNodePanel());
    expect(result.current.shown).toBe('node');

    rerender({ sel: null });
    expect(result.current.shown).toBe('versions');
  });

  it('a node selected from elsewhere (a trace row) leaves the drawer in front', () => {
    const { result, rerender } = panelsWith(null);
    act(() => result.current.openDrawer('run'));

    rerender({ sel: 'answer' });
    expect(result.current.shown).toBe('run');
    expect(result.current.selectedId).toBe('answer');
  });
});
