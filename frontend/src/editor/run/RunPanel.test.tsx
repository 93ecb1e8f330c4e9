import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { RunEvent } from '../../apps/types';
import { applyRunEvent, emptyLiveRun, type LiveRun } from '../../traces/liveRun';
import { RunPanel, type RunPanelSession } from './RunPanel';

const TITLES: Record<string, string> = { start: 'Start', llm: 'LLM', answer: 'Answer' };
const TYPES: Record<string, string> = { start: 'start', llm: 'prompt', answer: 'answer' };

const fold = (events: RunEvent[]) => events.reduce(applyRunEvent, emptyLiveRun('r1'));
const RUNNING: RunEvent[] = [
  { type: 'run.started' },
  { type: 'node.started', node_id: 'start' },
  { type: 'node.finished', node_id: 'start', outputs: {}, handle: 'out', latency_ms: 1 },
  { type: 'node.started', node_id: 'llm' },
  { type: 'node.delta', node_id: 'llm', text: 'Let me think' },
];

function panel(session: Partial<RunPanelSession>, onStart = vi.fn()) {
  const full: RunPanelSession = {
    shown: null,
    shownRun: null,
    starting: false,
    active: null,
    stopping: false,
    stop: vi.fn(async () => undefined),
    error: null,
    recent: [],
    connection: 'open',
    ...session,
  };
  render(
    <RunPanel
      session={full}
      form={{ inputs: [], issues: [], values: {}, onValues: vi.fn(), onStart }}
      viewingRunId={null}
      nodeTitle={(id) => TITLES[id] ?? id}
      nodeType={(id) => TYPES[id]}
      onFocusNode={vi.fn()}
      onOpenRun={vi.fn()}
      onBackToDraft={vi.fn()}
      onClose={vi.fn()}
    />,
  );
  return full;
}

describe('the run panel while a run is in progress', () => {
  it('offers Stop instead of Start, and Stop stops the run', async () => {
    const onStart = vi.fn();
    const session = panel({ shown: fold(RUNNING), active: 'r1' }, onStart);

    expect(screen.queryByTestId('run-start')).toBeNull();
    await userEvent.click(screen.getByRole('button', { name: 'Stop' }));

    expect(session.stop).toHaveBeenCalledTimes(1);
    expect(onStart).not.toHaveBeenCalled();
  });

  it('shows Stopping… once asked', () => {
    panel({ shown: fold(RUNNING), active: 'r1', stopping: true });
    expect(screen.getByTestId('run-stop')).toBeDisabled();
    expect(screen.getByTestId('run-stop')).toHaveTextContent('Stopping…');
  });

  it('says a stopped run was cancelled, in which node, and keeps its streamed text', () => {
    const stopped: LiveRun = fold([...RUNNING, { type: 'run.failed', code: 'cancelled', message: 'run cancelled' }]);
    panel({ shown: stopped });

    expect(screen.getByTestId('run-start')).toBeEnabled();
    expect(screen.getByTestId('run-cancelled')).toHaveTextContent('Cancelled while LLM was running');
    expect(screen.getByTestId('run-answer')).toHaveAttribute('data-status', 'cancelled');
    expect(screen.getByTestId('run-answer')).toHaveTextContent('Let me think');
    expect(screen.queryByRole('alert')).toBeNull(); // a stop is not an error
  });
});
