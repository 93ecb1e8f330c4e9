import { describe, expect, it } from 'vitest';
import type { EdgeSpec, NodeSpec } from '../../apps/types';
import { materializePaste, parseClipboard, serializeSelection } from './clipboard';

const node = (id: string, config: Record<string, unknown> = {}, x = 0): NodeSpec => ({
  id,
  type: 'template',
  version: 1,
  title: id,
  config,
  position: { x, y: 0 },
});
const edge = (s: string, t: string): EdgeSpec => ({ id: `${s}-${t}`, source: s, source_handle: 'out', target: t, target_handle: 'in' });

describe('clipboard', () => {
  it('round-trips selected nodes with only the edges between them', () => {
    const text = serializeSelection([node('a'), node('b')], [edge('a', 'b'), edge('b', 'c')]);
    const payload = parseClipboard(text)!;
    expect(payload.nodes.map((n) => n.id)).toEqual(['a', 'b']);
    expect(payload.edges.map((e) => e.id)).toEqual(['a-b']);
  });

  it('ignores clipboard text that is not nodes', () => {
    expect(parseClipboard('hello')).toBeNull();
    expect(parseClipboard('{"nodes": []}')).toBeNull();
    expect(parseClipboard(JSON.stringify({ kind: 'llmops-studio/nodes', nodes: [{ nope: 1 }] }))!.nodes).toEqual([]);
  });

  it('pastes into another app with fresh ids, moved, with edges and references following', () => {
    const payload = parseClipboard(
      serializeSelection([node('llm', {}, 100), node('tpl', { template: 'Say {{ llm.text }} to {{ inputs.name }}' }, 400)], [edge('llm', 'tpl')]),
    )!;
    const out = materializePaste(payload, new Set(['llm', 'start']), { x: 40, y: 40 });
    expect(out.nodes.map((n) => n.id)).toEqual(['llm_2', 'tpl']);
    expect(out.nodes[0]!.position).toEqual({ x: 140, y: 40 });
    expect(out.nodes[1]!.config.template).toBe('Say {{ llm_2.text }} to {{ inputs.name }}');
    expect(out.edges).toEqual([
      { id: 'e_llm_2_out__tpl_in', source: 'llm_2', source_handle: 'out', target: 'tpl', target_handle: 'in' },
    ]);
  });

  it('pasting twice gives two distinct copies', () => {
    const payload = parseClipboard(serializeSelection([node('a')], []))!;
    const first = materializePaste(payload, new Set(['a']), { x: 0, y: 0 });
    const second = materializePaste(payload, new Set(['a', ...first.nodes.map((n) => n.id)]), { x: 0, y: 0 });
    expect(first.nodes[0]!.id).toBe('a_2');
    expect(second.nodes[0]!.id).toBe('a_3');
  });
});
