import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../apps/types';
import { answerText, applyRunEvent, emptyLiveRun, liveRunFromServer } from './liveRun';

const TYPES: Record<string, string> = { start: 'start', llm: 'prompt', answer: 'answer', branch: 'branch' };
const typeOf = (id: string) => TYPES[id];

function fold(events: RunEvent[]) {
  return events.reduce(applyRunEvent, emptyLiveRun('r1'));
}

describe('live run', () => {
  it('shows node states as they change and streams the answer node text', () => {
    const run = fold([
      { type: 'run.started' },
      { type: 'node.started', node_id: 'start' },
      { type: 'node.finished', node_id: 'start', outputs: {}, handle: 'out', latency_ms: 1 },
      { type: 'node.started', node_id: 'llm' },
      { type: 'node.delta', node_id: 'llm', text: 'Hel' },
      { type: 'node.delta', node_id: 'llm', text: 'lo' },
    ]);
    expect(run.status).toBe('running');
    expect(run.nodes.llm!.status).toBe('running');
    expect(run.nodes.start!.status).toBe('succeeded');
    expect(answerText(run, typeOf)).toBe('Hello'); // no answer node yet: the model's stream
    const later = [
      { type: 'node.started', node_id: 'answer' } as RunEvent,
      { type: 'node.delta', node_id: 'answer', text: 'Hello, Ada' } as RunEvent,
    ].reduce(applyRunEvent, run);
    expect(answerText(later, typeOf)).toBe('Hello, Ada'); // the answer node wins once it streams
  });

  it('records failures and skips', () => {
    const run = fold([
      { type: 'node.started', node_id: 'llm' },
      { type: 'node.failed', node_id: 'llm', code: 'provider_error', message: 'Model unavailable' },
      { type: 'node.skipped', node_id: 'answer' },
      { type: 'run.failed', error: { code: 'provider_error', message: 'Model unavailable', node_id: 'llm' } },
    ]);
    expect(run.nodes.llm).toMatchObject({ status: 'failed', error: { message: 'Model unavailable' } });
    expect(run.nodes.answer!.status).toBe('skipped');
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({ node_id: 'llm' });
  });

  it('marks a stopped run and the node it stopped in as cancelled, keeping what finished', () => {
    const run = fold([
      { type: 'run.started' },
      { type: 'node.started', node_id: 'start' },
      { type: 'node.finished', node_id: 'start', outputs: {}, handle: 'out', latency_ms: 1 },
      { type: 'node.started', node_id: 'llm' },
      { type: 'node.delta', node_id: 'llm', text: 'Let me' },
      { type: 'run.failed', code: 'cancelled', message: 'run cancelled', node_id: null },
    ]);
    expect(run.status).toBe('cancelled');
    expect(run.nodes.start!.status).toBe('succeeded');
    expect(run.nodes.llm!.status).toBe('cancelled');
    expect(answerText(run, typeOf)).toBe('Let me'); // what streamed before the stop stays
  });

  it("keeps what a node sent out (its inputs) through its finish or failure", () => {
    const messages = [{ role: 'user', content: 'Is this urgent?' }];
    const run = fold([
      { type: 'node.started', node_id: 'llm' },
      { type: 'node.inputs', node_id: 'llm', inputs: { model: 'local/smol', messages } },
      { type: 'node.finished', node_id: 'llm', outputs: { text: 'No' }, handle: null, latency_ms: 5 },
      { type: 'node.started', node_id: 'branch' },
      { type: 'node.inputs', node_id: 'branch', inputs: { query: 'x' } },
      { type: 'node.failed', node_id: 'branch', code: 'boom', message: 'Boom' },
    ]);
    expect(run.nodes.llm).toMatchObject({ status: 'succeeded', inputs: { messages }, outputs: { text: 'No' } });
    expect(run.nodes.branch).toMatchObject({ status: 'failed', inputs: { query: 'x' } });
  });

  it('falls back to the run outputs when nothing streamed', () => {
    const run = fold([{ type: 'run.finished', outputs: { answer: 'Done.' } }]);
    expect(answerText(run, typeOf)).toBe('Done.');
  });

  it('rebuilds a past run from its traces', () => {
    const live = liveRunFromServer({
      id: 'r9',
      app_id: 1,
      version: null,
      source: 'debug',
      status: 'succeeded',
      inputs: {},
      outputs: { answer: 'ok' },
      error: null,
      tokens_in: 3,
      tokens_out: 4,
      cost: null,
      latency_ms: 10,
      created_at: '',
      finished_at: null,
      traces: [
        { node_id: 'start', node_type: 'start', title: '', status: 'succeeded', inputs: {}, outputs: {}, error: null, latency_ms: 1, tokens_in: 0, tokens_out: 0, cost: null, started_at: null, finished_at: null, attempt: 1 },
        { node_id: 'branch', node_type: 'branch', title: '', status: 'skipped', inputs: null, outputs: null, error: null, latency_ms: null, tokens_in: null, tokens_out: null, cost: null, started_at: null, finished_at: null, attempt: 1 },
      ],
    });
    expect(live.order).toEqual(['start', 'branch']);
    expect(live.nodes.branch!.status).toBe('skipped');
    expect(answerText(live, typeOf)).toBe('ok');
  });
});
