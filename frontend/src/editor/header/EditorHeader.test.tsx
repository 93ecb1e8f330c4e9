import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { Issue } from '../../apps/types';
import { Checklist } from './EditorHeader';

const issue = (over: Partial<Issue>): Issue => ({ code: 'x', message: '', node_id: null, edge_id: null, field: null, ...over });

const MODEL = issue({
  code: 'model_not_configured',
  message: "model openai/gpt-4o is not available: model provider 'openai' is not configured here.",
  node_id: 'llm',
  field: 'model',
  severity: 'error',
});
const EMPTY = issue({ code: 'required', message: 'Content is required (messages.1.template)', node_id: 'llm', field: 'messages.1.template' });
const UNLISTED = issue({ code: 'model_not_listed', message: 'model remote/other is not one of the models offered', node_id: 'classify', field: 'model', severity: 'warning' });

function renderChecklist(issues: Issue[], onFocusIssue = vi.fn()) {
  render(<Checklist issues={issues} validating={false} nodeTitle={(id) => `Node ${id}`} onFocusIssue={onFocusIssue} />);
  return onFocusIssue;
}

describe('Checklist', () => {
  it('counts the errors, lists them before the warnings and says which are warnings', async () => {
    const focus = renderChecklist([UNLISTED, MODEL, EMPTY]);

    expect(screen.getByTestId('checklist-count')).toHaveTextContent('2');
    const button = screen.getByRole('button', { name: 'Checklist: 2 issues, 1 warning' });
    await userEvent.click(button);

    const items = within(screen.getByRole('dialog', { name: 'Checklist' })).getAllByRole('listitem');
    expect(items.map((li) => li.textContent)).toEqual([
      `Node llm${MODEL.message}model`,
      `Node llm${EMPTY.message}messages.1.template`,
      `Node classifywarning${UNLISTED.message}model`,
    ]);
    await userEvent.click(within(items[0]!).getByRole('button'));
    expect(focus).toHaveBeenCalledWith(MODEL);
  });

  it('with only warnings the count is 0: nothing stops a run or a publish', () => {
    renderChecklist([UNLISTED]);

    expect(screen.getByTestId('checklist-count')).toHaveTextContent('0');
    expect(screen.getByRole('button', { name: 'Checklist: 0 issues, 1 warning' })).not.toHaveClass('has-issues');
  });
});
