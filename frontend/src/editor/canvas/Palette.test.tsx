import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { NodeTypeDef } from '../../apps/types';
import { Palette } from './Palette';

const TYPES = [
  { type: 'prompt', title: 'LLM', description: 'Calls a model.', category: 'model', icon: 'sparkles' },
  { type: 'answer', title: 'Answer', description: 'Streams the answer.', category: 'flow', icon: 'message-square' },
] as unknown as NodeTypeDef[];

function renderPalette(onAdd = vi.fn()) {
  const view = render(<Palette types={TYPES} onAdd={onAdd} disabled={false} />);
  return { ...view, onAdd };
}

describe('Palette', () => {
  it('folds to a rail of icons that still add nodes, and stays folded in the next editor', async () => {
    const { unmount, onAdd } = renderPalette();
    const palette = screen.getByRole('complementary', { name: 'Node palette' });
    expect(within(palette).getByRole('searchbox', { name: 'Search nodes' })).toBeVisible();

    await userEvent.click(screen.getByRole('button', { name: 'Collapse the node palette' }));
    expect(within(palette).queryByRole('searchbox')).not.toBeInTheDocument();
    const llm = within(palette).getByRole('button', { name: 'LLM' });
    expect(llm).toHaveAttribute('title', expect.stringContaining('LLM: Calls a model.'));
    await userEvent.click(llm);
    expect(onAdd).toHaveBeenCalledWith('prompt');

    unmount();
    renderPalette();
    expect(screen.getByRole('button', { name: 'Expand the node palette' })).toHaveAttribute('aria-expanded', 'false');
    expect(screen.queryByRole('searchbox')).not.toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Expand the node palette' }));
    expect(screen.getByRole('searchbox', { name: 'Search nodes' })).toBeVisible();
  });
});
