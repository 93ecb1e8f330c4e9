import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { GraphDiff, NodeSpec } from '../../apps/types';
import { buildDiffModel } from '../model/diffModel';
import { DiffList } from './DiffList';
import { TextDiff } from './TextDiff';

const llm = (prompt: string): NodeSpec => ({
  id: 'llm',
  type: 'prompt',
  version: 1,
  title: 'LLM',
  config: { messages: [{ role: 'system', template: 'You are terse.' }, { role: 'user', template: prompt }] },
  position: { x: 0, y: 0 },
});

/** What the diff API answers for an LLM node whose user prompt changed. */
function promptChange(before: string, after: string): GraphDiff {
  return {
    from: 1,
    to: 'draft',
    nodes: {
      added: [],
      removed: [],
      changed: [
        {
          id: 'llm',
          title: 'LLM',
          type: 'prompt',
          changes: [{ path: 'config.messages', before: llm(before).config.messages, after: llm(after).config.messages }],
        },
      ],
    },
    edges: { added: [], removed: [] },
    inputs: { added: [], removed: [], changed: [] },
    summary: { added: 0, removed: 0, changed: 1 },
  };
}

function renderDiff(before: string, after: string) {
  const model = buildDiffModel(promptChange(before, after), null, null);
  render(<DiffList model={model} onFocusNode={vi.fn()} />);
  return screen.getByTestId('diff-list');
}

describe('version compare', () => {
  it("marks the changed word of an LLM node's prompt, with its role, side by side", () => {
    const list = renderDiff('Greet {{ inputs.query }} politely.', 'Greet {{ inputs.query }} like a pirate.');

    const changed = within(list).getByTestId('message-diff');
    expect(changed).toHaveTextContent('#2 user');
    const before = within(changed).getByLabelText('Before');
    const after = within(changed).getByLabelText('After');
    expect([...before.querySelectorAll('del')].map((d) => d.textContent)).toEqual(['politely']);
    expect([...after.querySelectorAll('ins')].map((i) => i.textContent?.trim()).join(' ')).toBe('like a pirate');
    expect(before).toHaveTextContent('Greet {{ inputs.query }} politely.');
    expect(after).toHaveTextContent('Greet {{ inputs.query }} like a pirate.');
    expect(list).toHaveTextContent('1 of 2 messages changed');
    expect(list).toHaveTextContent('#1 system unchanged');
  });

  it('shows a long prompt whole, not cut at 80 characters', async () => {
    const long = `${'Answer the ticket in the customer’s language and cite the order number. '.repeat(12)}Sign as Ada.`;
    const list = renderDiff(long, long.replace('Sign as Ada.', 'Sign as Grace.'));

    const after = within(list).getByLabelText('After');
    expect(after.textContent).toBe(long.replace('Sign as Ada.', 'Sign as Grace.'));
    expect(list.textContent).not.toContain('…');
    expect([...after.querySelectorAll('ins')].map((i) => i.textContent)).toEqual(['Grace']);
    expect(after).toHaveClass('folded');
    await userEvent.click(within(list).getByRole('button', { name: 'Show all' }));
    expect(after).not.toHaveClass('folded');
    expect(within(list).getByRole('button', { name: 'Show less' })).toHaveAttribute('aria-expanded', 'true');
  });

  it('keeps a short scalar inline', () => {
    const diff = promptChange('a', 'a');
    diff.nodes.changed[0]!.changes = [{ path: 'config.model.temperature', before: 0, after: 0.7 }];
    render(<DiffList model={buildDiffModel(diff, null, null)} onFocusNode={vi.fn()} />);

    expect(screen.getByText('config.model.temperature').closest('li')).toHaveTextContent('config.model.temperature0→0.7');
    expect(screen.queryByTestId('text-diff')).toBeNull();
  });
});

describe('text diff', () => {
  it('marks inserted and removed words, and keeps line breaks of code', () => {
    render(<TextDiff before={'def run(x):\n    return x + 1\n'} after={'def run(x):\n    return x * 2\n'} code />);

    expect([...screen.getByLabelText('Before').querySelectorAll('del')].map((d) => d.textContent)).toEqual(['+', '1']);
    expect([...screen.getByLabelText('After').querySelectorAll('ins')].map((i) => i.textContent)).toEqual(['*', '2']);
    expect(screen.getByLabelText('After').textContent).toBe('def run(x):\n    return x * 2\n');
  });

  it('says when a side is empty', () => {
    render(<TextDiff before="" after="A new description for the app that is long enough to diff." />);

    expect(screen.getByLabelText('Before')).toHaveTextContent('(empty)');
  });
});
