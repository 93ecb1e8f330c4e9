import { describe, expect, it } from 'vitest';
import { documentPercent, highlightParts, readSeparator, showSeparator } from './format';

describe('highlightParts', () => {
  it('marks whole words in any case', () => {
    const parts = highlightParts('Parking permits: parking is free.', ['parking']);
    expect(parts.filter((p) => p.match).map((p) => p.text)).toEqual(['Parking', 'parking']);
    expect(parts.map((p) => p.text).join('')).toBe('Parking permits: parking is free.');
  });

  it('does not mark a word inside another word', () => {
    expect(highlightParts('carpark', ['park']).some((p) => p.match)).toBe(false);
  });

  it('escapes regular-expression characters', () => {
    expect(highlightParts('C++ rocks', ['C++']).length).toBeGreaterThan(0);
  });
});

describe('documentPercent', () => {
  it('follows chunks done while embedding', () => {
    const doc = { state: 'embedding', chunk_count: 200, chunks_done: 50 } as const;
    expect(documentPercent({ ...doc, id: 1, knowledge_base_id: 1, name: 'a', file_type: 'txt', size_bytes: 1, error: null })).toBe(25);
  });
});

describe('separators', () => {
  it('round-trip through their typed form', () => {
    expect(readSeparator(showSeparator('\n\n'))).toBe('\n\n');
  });
});
