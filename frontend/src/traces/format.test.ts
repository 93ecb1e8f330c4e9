import { describe, expect, it } from 'vitest';
import { formatMs } from './format';

describe('durations', () => {
  it('read in milliseconds below a second and in seconds from one second on', () => {
    expect(formatMs(849.6)).toBe('850 ms');
    expect(formatMs(1000)).toBe('1.00 s');
    expect(formatMs(2500)).toBe('2.50 s');
  });
});
