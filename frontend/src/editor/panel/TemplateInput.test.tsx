import { EditorView } from '@codemirror/view';
import { act, fireEvent, render, screen } from '@testing-library/react';
import { useState } from 'react';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { VariableOption } from '../model/upstream';
import { TemplateInput } from './TemplateInput';

const VARS: VariableOption[] = [
  { ref: 'inputs.question', source: 'App input', type: 'string', description: '' },
  { ref: 'llm.text', source: 'LLM', type: 'string', description: '' },
];

// jsdom lays nothing out: CodeMirror measures text ranges, which jsdom's Range cannot.
beforeAll(() => {
  const empty = () => Object.assign([], { item: () => null }) as unknown as DOMRectList;
  Range.prototype.getClientRects ??= empty;
  Range.prototype.getBoundingClientRect ??= () => new DOMRect();
});

/** A field with its label, and the value the form would store, shown as it is. */
function Harness({ initial = '', getVariables = () => VARS }: { initial?: string; getVariables?: () => VariableOption[] }) {
  const [value, setValue] = useState(initial);
  return (
    <>
      <label htmlFor="tpl">Prompt</label>
      <TemplateInput id="tpl" value={value} onChange={setValue} getVariables={getVariables} />
      <output data-testid="stored">{value}</output>
    </>
  );
}

const stored = () => screen.getByTestId('stored').textContent;
const field = () => screen.getByRole('textbox', { name: 'Prompt' });
const pills = () => Array.from(document.querySelectorAll<HTMLElement>('.var-pill'));

/* jsdom has no editing of its own in a contenteditable, so text goes in through CodeMirror the way
   its input handling puts typed text (one character at the caret, as 'input.type'); keys go through
   its keymaps as real keydown events. The real typing is the browser test's (tests/e2e). */
function editor(): EditorView {
  return EditorView.findFromDOM(field())!;
}

function focusAtEnd() {
  const view = editor();
  act(() => {
    view.focus();
    view.dispatch({ selection: { anchor: view.state.doc.length } });
  });
}

function type(text: string) {
  const view = editor();
  for (const ch of text) {
    act(() => {
      const { head } = view.state.selection.main;
      view.dispatch({ changes: { from: head, insert: ch }, selection: { anchor: head + 1 }, userEvent: 'input.type' });
    });
  }
}

function press(key: string) {
  fireEvent.keyDown(field(), { key });
}

describe('variables in a prompt field show as pills', () => {
  it('draws {{ llm.text }} as a pill with the node title and field; the text stays the template', () => {
    render(<Harness initial="Answer {{ llm.text }} for {{inputs.question}}." />);
    expect(pills().map((p) => p.textContent)).toEqual(['LLM · text', 'App input · question']);
    expect(field()).toHaveTextContent('Answer LLM · text for App input · question.');
    expect(field()).not.toHaveTextContent('{{');
    expect(stored()).toBe('Answer {{ llm.text }} for {{inputs.question}}.');
  });

  it('draws a variable nothing upstream gives as a red pill, and leaves Jinja blocks and filters as text', () => {
    render(<Harness initial="{% if llm.text %}{{ ghost.out }}{% endif %} {{ llm.text | upper }}" />);
    const [ghost, ...others] = pills();
    expect(others).toEqual([]);
    expect(ghost).toHaveTextContent('ghost.out');
    expect(ghost).toHaveClass('var-pill-unknown');
    expect(ghost).toHaveAttribute('title', expect.stringContaining('Unknown variable'));
    expect(field()).toHaveTextContent('{% if llm.text %}ghost.out{% endif %} {{ llm.text | upper }}');
  });

  it('keeps the stored template exact when text is typed around a pill', () => {
    render(<Harness initial="Answer {{ llm.text }}" />);
    focusAtEnd();
    type(' now');
    expect(stored()).toBe('Answer {{ llm.text }} now');
    act(() => editor().dispatch({ selection: { anchor: 0 } }));
    type('> ');
    expect(stored()).toBe('> Answer {{ llm.text }} now');
    expect(pills().map((p) => p.textContent)).toEqual(['LLM · text']);
  });

  it('deletes a pill as a whole with one Backspace', () => {
    render(<Harness initial="Answer {{ llm.text }}" />);
    focusAtEnd();
    press('Backspace');
    expect(stored()).toBe('Answer ');
    expect(pills()).toEqual([]);
  });
});

describe('prompt editor {{ picker', () => {
  it('offers upstream variables after {{ and inserts the chosen one as a pill', () => {
    render(<Harness />);
    focusAtEnd();
    type('Answer {{');
    expect(screen.getByRole('listbox', { name: 'Variables' })).toBeInTheDocument();
    expect(screen.getAllByRole('option').map((o) => o.textContent)).toEqual([
      expect.stringContaining('inputs.question'),
      expect.stringContaining('llm.text'),
    ]);
    type('llm');
    expect(screen.getAllByRole('option')).toHaveLength(1);
    press('Enter');
    expect(stored()).toBe('Answer {{ llm.text }}');
    expect(pills().map((p) => p.textContent)).toEqual(['LLM · text']);
    expect(screen.queryByRole('listbox')).not.toBeInTheDocument();
  });

  it('picks with the arrow keys, and swallows the closing braces already typed', () => {
    render(<Harness initial="Use {{}} here" />);
    focusAtEnd();
    act(() => editor().dispatch({ selection: { anchor: 'Use {{'.length } }));
    type(' ');
    press('ArrowDown');
    press('Enter');
    expect(stored()).toBe('Use {{ llm.text }} here');
  });

  it('reads the variables when the field mounts and takes the focus, not on every keystroke', () => {
    const getVariables = vi.fn(() => VARS);
    render(<Harness getVariables={getVariables} />);
    focusAtEnd();
    const calls = getVariables.mock.calls.length;
    type('Plain text with no braces at all {{inputs.qu');
    expect(screen.getAllByRole('option')).toHaveLength(1);
    expect(getVariables).toHaveBeenCalledTimes(calls);
  });

  it('closes on Escape and keeps the text', () => {
    render(<Harness />);
    focusAtEnd();
    type('Hi {{');
    expect(screen.getByRole('listbox')).toBeInTheDocument();
    press('Escape');
    expect(screen.queryByRole('listbox')).not.toBeInTheDocument();
    expect(stored()).toBe('Hi {{');
  });
});
