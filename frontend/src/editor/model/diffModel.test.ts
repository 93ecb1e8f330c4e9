import { describe, expect, it } from 'vitest';
import type { GraphDiff, GraphSpec, NodeSpec } from '../../apps/types';
import { buildDiffModel, edgeDiffKey, formatValue } from './diffModel';

const n = (id: string, type: string, title = id): NodeSpec => ({ id, type, version: 1, title, config: {}, position: { x: 0, y: 0 } });
const graph = (nodes: NodeSpec[], edges: GraphSpec['edges'] = []): GraphSpec => ({
  format_version: 1,
  name: '',
  description: '',
  inputs: [],
  outputs: [],
  nodes,
  edges,
  notes: [],
});

const FROM = graph([n('start', 'start'), n('llm', 'prompt', 'LLM'), n('old', 'template', 'Old step')], [
  { id: 'e1', source: 'start', source_handle: 'out', target: 'old', target_handle: 'in' },
]);
const TO = graph([n('start', 'start'), n('llm', 'prompt', 'LLM'), n('branch', 'branch', 'Route')], [
  { id: 'e2', source: 'start', source_handle: 'out', target: 'branch', target_handle: 'in' },
]);
const DIFF: GraphDiff = {
  from: 1,
  to: 'draft',
  nodes: {
    added: [n('branch', 'branch', 'Route')],
    removed: [n('old', 'template', 'Old step')],
    changed: [{ id: 'llm', title: 'LLM', changes: [{ path: 'config.messages.0.template', before: 'Hi', after: 'Hello {{ inputs.q }}' }] }],
  },
  edges: { added: [TO.edges[0]!], removed: [FROM.edges[0]!] },
  inputs: { added: [{ name: 'q', type: 'string', default: null, description: '', required: true }], removed: [], changed: [] },
  summary: { added: 2, removed: 2, changed: 1 },
};

describe('diff model', () => {
  it('lists each change down to the config field, with before and after', () => {
    const m = buildDiffModel(DIFF, FROM, TO);
    const changed = m.rows.find((r) => r.kind === 'changed' && r.subject === 'node')!;
    expect(changed.title).toBe('LLM');
    expect(changed.details).toEqual([{ path: 'config.messages.0.template', before: '"Hi"', after: '"Hello {{ inputs.q }}"' }]);
    expect(m.rows.filter((r) => r.subject === 'edge').map((r) => [r.kind, r.title])).toEqual([
      ['added', 'start → Route'],
      ['removed', 'start → Old step'],
    ]);
    expect(m.rows.find((r) => r.subject === 'input')).toMatchObject({ kind: 'added', title: 'inputs.q' });
  });

  it('marks nodes for the canvas and keeps removed nodes to draw them ghosted', () => {
    const m = buildDiffModel(DIFF, FROM, TO);
    expect(Object.fromEntries(m.marks)).toEqual({ branch: 'added', old: 'removed', llm: 'changed' });
    expect(m.nodes.map((x) => x.id).sort()).toEqual(['branch', 'llm', 'old', 'start']);
    expect(m.edgeMarks.get(edgeDiffKey(FROM.edges[0]!))).toBe('removed');
    expect(m.edges.some((e) => e.id === 'removed:e1')).toBe(true);
  });

  it('says when there is nothing to show', () => {
    const empty: GraphDiff = {
      ...DIFF,
      nodes: { added: [], removed: [], changed: [] },
      edges: { added: [], removed: [] },
      inputs: { added: [], removed: [], changed: [] },
    };
    expect(buildDiffModel(empty, FROM, FROM).isEmpty).toBe(true);
  });

  it('shortens long values', () => {
    expect(formatValue('x'.repeat(200)).length).toBeLessThanOrEqual(80);
    expect(formatValue(undefined)).toBe('—');
    expect(formatValue({ a: 1 })).toBe('{"a":1}');
  });
});
