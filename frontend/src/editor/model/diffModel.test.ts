import { describe, expect, it } from 'vitest';
import type { GraphDiff, GraphSpec, NodeSpec } from '../../apps/types';
import { buildDiffModel, edgeDiffKey, fieldDiff, formatValue, pairMessages } from './diffModel';

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
    expect(changed.details).toEqual([{ kind: 'value', path: 'config.messages.0.template', before: '"Hi"', after: '"Hello {{ inputs.q }}"' }]);
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

  it('keeps short scalars inline', () => {
    expect(formatValue(undefined)).toBe('—');
    expect(formatValue({ a: 1 })).toBe('{"a":1}');
    expect(fieldDiff({ path: 'config.model.temperature', before: 0, after: 0.7 })).toEqual({
      kind: 'value',
      path: 'config.model.temperature',
      before: '0',
      after: '0.7',
    });
  });

  it('shows a long text whole, as a text diff, never cut', () => {
    const long = 'You answer support tickets. '.repeat(20);
    const d = fieldDiff({ path: 'config.template', before: long, after: `${long}Be brief.` });
    expect(d).toEqual({ kind: 'text', path: 'config.template', before: long, after: `${long}Be brief.`, code: false });
    expect(fieldDiff({ path: 'description', before: 'one\ntwo', after: 'one' }).kind).toBe('text');
    expect(fieldDiff({ path: 'config.code', before: 'x = 1\n', after: 'x = 2\n' })).toMatchObject({ kind: 'text', code: true });
  });

  it('shows a large structure as pretty JSON to diff', () => {
    const tools = [{ name: 'search', description: 'Searches the web for pages about the question.' }];
    const d = fieldDiff({ path: 'config.tools', before: tools, after: [] });
    expect(d).toMatchObject({ kind: 'text', code: true, after: '[]' });
    expect(d.kind === 'text' && d.before).toContain('\n  {\n    "name": "search"');
  });

  it("pairs an LLM node's messages: unchanged kept, an edited one with what it was", () => {
    const before = [
      { role: 'system', template: 'You are terse.' },
      { role: 'user', template: 'Greet {{ inputs.q }} politely.' },
    ];
    const after = [
      { role: 'system', template: 'You are terse.' },
      { role: 'user', template: 'Greet {{ inputs.q }} like a pirate.' },
      { role: 'assistant', template: 'Arr.' },
    ];
    const d = fieldDiff({ path: 'config.messages', before, after });
    expect(d.kind).toBe('messages');
    expect(d.kind === 'messages' && d.pairs).toEqual([
      { before: { role: 'system', text: 'You are terse.' }, after: { role: 'system', text: 'You are terse.' }, position: 1, same: true },
      {
        before: { role: 'user', text: 'Greet {{ inputs.q }} politely.' },
        after: { role: 'user', text: 'Greet {{ inputs.q }} like a pirate.' },
        position: 2,
        same: false,
      },
      { before: null, after: { role: 'assistant', text: 'Arr.' }, position: 3, same: false },
    ]);
  });

  it('keeps later messages in place when one is inserted before them', () => {
    const a = { role: 'user', text: 'A' };
    const b = { role: 'user', text: 'B' };
    const x = { role: 'system', text: 'X' };
    expect(pairMessages([a, b], [x, a, b]).map((p) => [p.before?.text ?? null, p.after?.text ?? null, p.same])).toEqual([
      [null, 'X', false],
      ['A', 'A', true],
      ['B', 'B', true],
    ]);
    expect(pairMessages([a, b], [b]).map((p) => [p.before?.text ?? null, p.after?.text ?? null])).toEqual([
      ['A', null],
      ['B', 'B'],
    ]);
  });
});
