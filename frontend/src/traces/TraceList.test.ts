import { describe, expect, it } from 'vitest';
import { traceLabel } from './TraceList';

const titles: Record<string, string> = { loop: 'Summarise each', fmt: 'Format' };
const title = (id: string) => titles[id] ?? id;

describe('trace row names', () => {
  it("are the node's title, and for a node inside an iteration the item and the inner node", () => {
    expect(traceLabel('fmt', title)).toBe('Format');
    expect(traceLabel('loop[3]/llm', title)).toBe('Summarise each #4 › llm');
    expect(traceLabel('loop[0]/inner[2]/llm', title)).toBe('Summarise each #1 › inner #3 › llm');
  });
});
