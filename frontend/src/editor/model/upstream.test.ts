import { describe, expect, it } from 'vitest';
import type { NodeTypeDef } from '../../apps/types';
import registry from './__fixtures__/nodeTypes.json';
import { ancestorsOf, filterVariables, insertVariable, referencedVariables, templateQueryAt, upstreamVariables } from './upstream';

const TYPES = new Map((registry as unknown as NodeTypeDef[]).map((t) => [t.type, t]));

// start -> retrieve -> llm -> answer ; start -> side (a parallel branch, not upstream of llm)
const NODES = [
  { id: 'start', type: 'start', title: 'Start' },
  { id: 'retrieve', type: 'retrieval', title: 'Docs' },
  { id: 'side', type: 'template', title: 'Side note' },
  { id: 'llm', type: 'prompt', title: 'LLM' },
  { id: 'answer', type: 'answer', title: 'Answer' },
];
const EDGES = [
  { source: 'start', target: 'retrieve' },
  { source: 'start', target: 'side' },
  { source: 'retrieve', target: 'llm' },
  { source: 'llm', target: 'answer' },
];
const INPUTS = [{ name: 'question', type: 'string' as const, description: 'What to ask' }];

describe('upstream variables', () => {
  it('offers app inputs and the outputs of upstream nodes only, nearest first', () => {
    const refs = upstreamVariables('answer', NODES, EDGES, TYPES, INPUTS).map((v) => v.ref);
    expect(refs.slice(0, 6)).toEqual(['inputs.question', 'llm.text', 'llm.json', 'llm.usage', 'retrieve.chunks', 'retrieve.context']);
    expect(refs).not.toContain('side.text'); // a sibling branch is not upstream
    expect(refs.some((r) => r.startsWith('answer.'))).toBe(false); // not itself
    expect(refs.some((r) => r.startsWith('start.'))).toBe(false); // start's outputs are the inputs
  });

  it('shows where a variable comes from', () => {
    const ctx = upstreamVariables('llm', NODES, EDGES, TYPES, INPUTS).find((v) => v.ref === 'retrieve.context')!;
    expect(ctx).toMatchObject({ source: 'Docs', type: 'string' });
  });

  it('survives cycles', () => {
    expect(ancestorsOf('a', [{ source: 'a', target: 'b' }, { source: 'b', target: 'a' }])).toEqual(['b']);
  });

  it('filters by reference or by node title', () => {
    const all = upstreamVariables('answer', NODES, EDGES, TYPES, INPUTS);
    expect(filterVariables(all, 'docs').map((v) => v.ref)).toEqual(['retrieve.chunks', 'retrieve.context']);
    expect(filterVariables(all, 'llm.t').map((v) => v.ref)).toEqual(['llm.text']);
  });
});

describe('the {{ picker', () => {
  it('opens after {{ and reads what was typed since', () => {
    expect(templateQueryAt('Hello {{', 8)).toEqual({ start: 6, query: '' });
    expect(templateQueryAt('Hello {{ llm.te', 15)).toEqual({ start: 6, query: 'llm.te' });
  });

  it('stays closed outside braces and after they close', () => {
    expect(templateQueryAt('Hello {{ x.y }} and', 19)).toBeNull();
    expect(templateQueryAt('no braces', 9)).toBeNull();
    expect(templateQueryAt('{{ a b', 6)).toBeNull();
  });

  it('inserts a complete reference and puts the caret after it', () => {
    const r = insertVariable('Answer: {{ ll', 8, 13, 'llm.text');
    expect(r).toEqual({ text: 'Answer: {{ llm.text }}', caret: 22 });
    expect(insertVariable('A {{ }} B', 2, 5, 'inputs.q').text).toBe('A {{ inputs.q }} B');
  });
});

describe('referencedVariables', () => {
  it('finds template references and selector fields, for known nodes and inputs only', () => {
    const config = {
      messages: [{ role: 'user', template: 'Q: {{ inputs.question }} Ctx: {{retrieve.context}} {{ sys.run_id }}' }],
      cases: [{ conditions: [{ variable: 'llm.text', operator: 'empty' }] }],
      note: 'e.g. nothing.here',
    };
    expect(referencedVariables(config, new Set(['inputs', 'retrieve', 'llm']))).toEqual([
      'inputs.question',
      'llm.text',
      'retrieve.context',
    ]);
  });
});
