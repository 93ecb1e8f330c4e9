import { describe, expect, it } from 'vitest';
import type { NodeTypeDef } from '../../apps/types';
import registry from './__fixtures__/nodeTypes.json';
import { hasTargetHandle, sourceHandles } from './handles';

const TYPES = new Map((registry as unknown as NodeTypeDef[]).map((t) => [t.type, t]));

describe('handles', () => {
  it('gives a branch one handle per case, then else', () => {
    const spec = { type: 'branch', config: { cases: [{ id: 'is_refund' }, { id: 'is_bug' }] } };
    expect(sourceHandles(spec, TYPES.get('branch')).map((h) => h.id)).toEqual(['is_refund', 'is_bug', 'else']);
  });

  it('labels classifier handles with the class names', () => {
    const spec = { type: 'classifier', config: { classes: [{ id: 'c1', name: 'Billing' }, { id: 'c2', name: '' }] } };
    expect(sourceHandles(spec, TYPES.get('classifier'))).toEqual([
      { id: 'c1', label: 'Billing' },
      { id: 'c2', label: 'c2' },
    ]);
  });

  it('adds a fail handle when the node routes its errors', () => {
    const spec = { type: 'http_request', config: {}, settings: { error_strategy: 'fail_branch' as const } };
    expect(sourceHandles(spec, TYPES.get('http_request')).map((h) => h.id)).toEqual(['out', 'fail']);
  });

  it('uses the registry otherwise: none for end, no input on start', () => {
    expect(sourceHandles({ type: 'end', config: {} }, TYPES.get('end'))).toEqual([]);
    expect(hasTargetHandle(TYPES.get('start'))).toBe(false);
    expect(hasTargetHandle(TYPES.get('answer'))).toBe(true);
  });
});
