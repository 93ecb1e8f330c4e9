import { describe, expect, it } from 'vitest';
import { gridOf } from './GridBuilder';
import { shuffledOrder } from './ResultsGrid';

describe('blind mode', () => {
  it('shuffles a row the same way every time, and rows differently', () => {
    const orders = Array.from({ length: 20 }, (_, seed) => shuffledOrder(4, seed + 1));
    for (const order of orders) expect([...order].sort()).toEqual([0, 1, 2, 3]);
    expect(shuffledOrder(4, 7)).toEqual(shuffledOrder(4, 7));
    expect(new Set(orders.map((o) => o.join(''))).size).toBeGreaterThan(3);
  });
});

describe('grid form → grid spec', () => {
  it('keeps numbers as numbers, drops empty lines and unnamed variables', () => {
    const grid = gridOf(
      [
        { name: 'role', values: 'teacher\n\nnurse\n' },
        { name: 'level', values: '1\n2.5' },
        { name: ' ', values: 'x' },
      ],
      'sample',
      10,
      3,
      [{ name: 'q', template: 'As a {{ role }}' }],
      'role',
    );
    expect(grid).toEqual({
      variables: [
        { name: 'role', values: ['teacher', 'nurse'] },
        { name: 'level', values: [1, 2.5] },
      ],
      mode: 'sample',
      sample_size: 10,
      seed: 3,
      derived: { q: 'As a {{ role }}' },
      task_variable: 'role',
    });
  });
});

describe('rows editor → rows', () => {
  it('keeps numbers that were numbers, drops emptied inputs, splits tags', async () => {
    const { rowsOf } = await import('./RowsEditor');
    const rows = rowsOf(
      [
        { inputs: { q: 'Hi', n: '3', note: '' }, expected: '', tags: 'a; b ;' },
        { inputs: { q: '42', n: 'x' }, expected: 'ok', tags: '' },
      ],
      [{ inputs: { q: 'Hi', n: 2 }, expected: null, tags: [] }, null],
    );
    expect(rows).toEqual([
      { inputs: { q: 'Hi', n: 3 }, expected: null, tags: ['a', 'b'] },
      { inputs: { q: '42', n: 'x' }, expected: 'ok', tags: [] },
    ]);
  });
});
