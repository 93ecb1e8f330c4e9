import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../apps/types';
import { applyRunEvent, emptyLiveRun } from '../../traces/liveRun';
import { runningNodeId } from './useRunDisplay';

const fold = (events: RunEvent[]) => events.reduce(applyRunEvent, emptyLiveRun('r1'));

describe('the node the view follows', () => {
  it('is the node started last that is still running', () => {
    const run = fold([
      { type: 'run.started' },
      { type: 'node.started', node_id: 'start' },
      { type: 'node.finished', node_id: 'start', outputs: {}, handle: null, latency_ms: 1 },
      { type: 'node.started', node_id: 'a' },
      { type: 'node.started', node_id: 'b' },
    ]);
    expect(runningNodeId(run)).toBe('b');
    const bDone = applyRunEvent(run, { type: 'node.finished', node_id: 'b', outputs: {}, handle: null, latency_ms: 2 });
    expect(runningNodeId(bDone)).toBe('a'); // b finished first: a is still working
  });

  it('is none once the run is over, or when no run is shown', () => {
    const run = fold([
      { type: 'run.started' },
      { type: 'node.started', node_id: 'a' },
      { type: 'run.failed', error: { code: 'x', message: 'Stopped' } },
    ]);
    expect(runningNodeId(run)).toBeNull();
    expect(runningNodeId(null)).toBeNull();
  });
});
