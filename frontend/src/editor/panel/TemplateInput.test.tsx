import { fireEvent, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it, vi } from 'vitest';
import type { VariableOption } from '../model/upstream';
import { TemplateInput } from './TemplateInput';

const VARS: VariableOption[] = [
  { ref: 'inputs.question', source: 'App input', type: 'string', description: '' },
  { ref: 'llm.text', source: 'LLM', type: 'string', description: '' },
];

function Harness({ getVariables }: { getVariables: () => VariableOption[] }) {
  const [value, setValue] = useState('');
  return (
    <>
      <label htmlFor="tpl">Prompt</label>
      <TemplateInput id="tpl" value={value} onChange={setValue} getVariables={getVariables} />
    </>
  );
}

describe('prompt editor {{ picker', () => {
  it('offers upstream variables after {{ and inserts the chosen one', async () => {
    const getVariables = vi.fn(() => VARS);
    render(<Harness getVariables={getVariables} />);
    const box = screen.getByLabelText('Prompt');
    await userEvent.type(box, 'Answer {{{{');
    expect(screen.getByRole('listbox', { name: 'Variables' })).toBeInTheDocument();
    expect(screen.getAllByRole('option').map((o) => o.textContent)).toEqual([
      expect.stringContaining('inputs.question'),
      expect.stringContaining('llm.text'),
    ]);
    await userEvent.type(box, 'llm');
    expect(screen.getAllByRole('option')).toHaveLength(1);
    fireEvent.keyDown(box, { key: 'Enter' });
    expect(box).toHaveValue('Answer {{ llm.text }}');
    expect(screen.queryByRole('listbox')).not.toBeInTheDocument();
  });

  it('computes the variables once per opening, not on every keystroke', async () => {
    const getVariables = vi.fn(() => VARS);
    render(<Harness getVariables={getVariables} />);
    const box = screen.getByLabelText('Prompt');
    await userEvent.type(box, 'Plain text with no braces at all');
    expect(getVariables).not.toHaveBeenCalled();
    await userEvent.type(box, ' {{{{inputs.qu');
    expect(getVariables).toHaveBeenCalledTimes(1);
  });

  it('closes on Escape and keeps the text', async () => {
    render(<Harness getVariables={() => VARS} />);
    const box = screen.getByLabelText('Prompt');
    await userEvent.type(box, 'Hi {{{{');
    fireEvent.keyDown(box, { key: 'Escape' });
    expect(screen.queryByRole('listbox')).not.toBeInTheDocument();
    expect(box).toHaveValue('Hi {{');
  });
});
