import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { renderWithShell } from '../test/render';
import { EvidenceLink } from './EvidenceLink';

describe('EvidenceLink', () => {
  it('links a promotion to the experiment it came from', () => {
    renderWithShell(<EvidenceLink evidence={{ experiment: 12, experiment_name: 'Shorter answers', variant: 31, variant_name: 'FAQ bot v4' }} />);
    expect(screen.getByRole('link', { name: 'Shorter answers' })).toHaveAttribute('href', '/evaluations/experiments/12');
    expect(screen.getByText(/from experiment/)).toHaveTextContent('from experiment Shorter answers (FAQ bot v4)');
  });

  it('says nothing for a move made by hand', () => {
    const { container } = renderWithShell(<EvidenceLink evidence={{}} />);
    expect(container).toHaveTextContent('');
    expect(screen.queryByRole('link')).not.toBeInTheDocument();
  });
});
