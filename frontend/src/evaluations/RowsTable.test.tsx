import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { renderWithShell } from '../test/render';
import { RowsTable } from './GridBuilder';

describe('the rows of a dataset version', () => {
  it('link each row taken from a run to that run', () => {
    renderWithShell(
      <RowsTable
        rows={[
          { position: 0, inputs: { question: 'When will my refund arrive?' }, expected: 'Within 5 working days.', tags: ['Zarnovia helpdesk'], source_run_id: '0b6f3c1e-aaaa-bbbb-cccc-000000000001' },
          { position: 1, inputs: { question: 'Typed by hand' }, expected: 'Yes.', tags: [], source_run_id: null },
        ]}
      />,
    );
    expect(screen.getByRole('link', { name: 'run 0b6f3c1e' })).toHaveAttribute('href', '/runs/0b6f3c1e-aaaa-bbbb-cccc-000000000001');
    expect(screen.getAllByRole('link')).toHaveLength(1);
  });

  it('show no source column when no row came from a run', () => {
    renderWithShell(<RowsTable rows={[{ position: 0, inputs: { q: 'a' }, expected: null, tags: [] }]} />);
    expect(screen.queryByRole('columnheader', { name: 'source' })).not.toBeInTheDocument();
  });
});
