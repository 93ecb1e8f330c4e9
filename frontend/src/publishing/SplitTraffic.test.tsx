import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { jsonResponse } from '../test/render';
import type { LabelRow } from './model';
import { checkSplit, initialArms, qualityLink } from './split';
import { LabelSplit } from './SplitTraffic';

const BASE = '/api/workspaces/1/apps/7/labels/production';

function row(split: LabelRow['split'] = [], version = 2): LabelRow {
  return {
    name: 'production', version, isProduction: true, latest: true, rollbackTo: null, moveChoices: [3, 2, 1].filter((v) => v !== version),
    split, updatedBy: 'ada', updatedAt: '2026-01-01T12:00:00Z',
  };
}

function mockFetch() {
  const calls: { method: string; url: string; body: unknown }[] = [];
  vi.stubGlobal('fetch', vi.fn(async (url: string, init: RequestInit = {}) => {
    calls.push({ method: init.method ?? 'GET', url, body: init.body ? JSON.parse(String(init.body)) : undefined });
    return jsonResponse(200, { name: 'production', version: 2, split: [], updated_at: '2026-01-01T12:00:00Z', updated_by: 'ada' });
  }));
  return calls;
}

function renderSplit(r: LabelRow, canEdit = true) {
  const done: string[] = [];
  const act = vi.fn((message: string, fn: () => Promise<unknown>) => {
    done.push(message);
    void fn();
  });
  render(<LabelSplit workspaceId="1" appId="7" row={r} canEdit={canEdit} busy={false} act={act} />);
  return done;
}

describe('Split traffic editor', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('starts as a 90/10 canary, shows the total live and saves only when it adds up to 100 %', async () => {
    const calls = mockFetch();
    const done = renderSplit(row());

    await userEvent.click(screen.getByRole('button', { name: 'Split traffic…' }));
    const editor = screen.getByRole('form', { name: 'Split traffic of production' });
    expect(within(editor).getByLabelText('Arm 1 version')).toHaveFocus();
    expect(within(editor).getByLabelText('Arm 1 version')).toHaveValue('2');
    expect(within(editor).getByLabelText('Arm 2 version')).toHaveValue('3');
    expect(screen.getByTestId('split-total')).toHaveTextContent('Total 100 %');

    const second = within(editor).getByLabelText('Arm 2 weight (%)');
    await userEvent.clear(second);
    await userEvent.type(second, '20');
    expect(screen.getByTestId('split-total')).toHaveTextContent('Total 110 %');
    expect(within(editor).getByText(/add up to 110 %; they must add up to 100 %/)).toBeInTheDocument();
    expect(within(editor).getByRole('button', { name: 'Save split' })).toBeDisabled();

    await userEvent.clear(second);
    await userEvent.type(second, '10{Enter}');

    await waitFor(() => expect(calls).toHaveLength(1));
    expect(calls[0]).toEqual({ method: 'PUT', url: `${BASE}/split/`, body: { arms: [{ version: 2, weight: 90 }, { version: 3, weight: 10 }] } });
    expect(done).toEqual(['Split production: v2 90 % · v3 10 %.']);
  });

  it('adds and removes versions, refusing one version twice', async () => {
    mockFetch();
    renderSplit(row());
    await userEvent.click(screen.getByRole('button', { name: 'Split traffic…' }));
    const editor = screen.getByRole('form', { name: 'Split traffic of production' });

    expect(within(editor).getByRole('button', { name: 'Remove arm 1' })).toBeDisabled();
    await userEvent.click(within(editor).getByRole('button', { name: '+ Add version' }));
    expect(within(editor).getByLabelText('Arm 3 version')).toHaveValue('1');
    await userEvent.selectOptions(within(editor).getByLabelText('Arm 3 version'), '3');
    expect(within(editor).getByText('Each version may appear once.')).toBeInTheDocument();
    await userEvent.click(within(editor).getByRole('button', { name: 'Remove arm 3' }));
    expect(within(editor).queryByLabelText('Arm 3 version')).not.toBeInTheDocument();
    expect(within(editor).getByRole('button', { name: 'Save split' })).toBeEnabled();
  });

  it('closes on Escape and gives focus back to the button that opened it', async () => {
    const calls = mockFetch();
    renderSplit(row());
    const opener = screen.getByRole('button', { name: 'Split traffic…' });
    await userEvent.click(opener);

    await userEvent.keyboard('{Escape}');

    expect(screen.queryByRole('form')).not.toBeInTheDocument();
    await waitFor(() => expect(screen.getByRole('button', { name: 'Split traffic…' })).toHaveFocus());
    expect(calls).toHaveLength(0);
  });

  it('shows the current split with a link to compare the arms, and promotes an arm after confirming', async () => {
    const calls = mockFetch();
    const done = renderSplit(row([{ version: 1, weight: 90 }, { version: 2, weight: 10 }], 1));

    expect(screen.getByTestId('label-production-split')).toHaveTextContent('v1 90 % · v2 10 %');
    expect(screen.getByRole('link', { name: 'Compare on the Quality page' })).toHaveAttribute('href', '/monitoring/w/1/quality?app=7&label=production');
    await userEvent.click(screen.getByRole('button', { name: 'Promote v2' }));
    expect(calls).toHaveLength(0);
    const confirm = screen.getByRole('alertdialog', { name: 'Promote v2?' });
    await userEvent.click(within(confirm).getByRole('button', { name: 'Confirm promote' }));

    await waitFor(() => expect(calls).toEqual([{ method: 'POST', url: `${BASE}/promote/`, body: { version: 2 } }]));
    expect(done).toEqual(['Promoted v2: production serves it to everyone.']);
  });

  it('ends a split on the version the label shows, after confirming', async () => {
    const calls = mockFetch();
    renderSplit(row([{ version: 1, weight: 90 }, { version: 2, weight: 10 }], 1));

    await userEvent.click(screen.getByRole('button', { name: 'End split' }));
    await userEvent.click(within(screen.getByRole('alertdialog', { name: 'End the split?' })).getByRole('button', { name: 'Confirm end' }));

    await waitFor(() => expect(calls).toEqual([{ method: 'DELETE', url: `${BASE}/split/`, body: { version: 1 } }]));
  });

  it('edits an existing split starting from its arms', async () => {
    mockFetch();
    renderSplit(row([{ version: 1, weight: 70 }, { version: 2, weight: 30 }], 1));

    await userEvent.click(screen.getByRole('button', { name: 'Edit split…' }));

    expect(screen.getByLabelText('Arm 1 weight (%)')).toHaveValue(70);
    expect(screen.getByLabelText('Arm 2 weight (%)')).toHaveValue(30);
  });

  it('lets viewers see the split and the comparison but change nothing', () => {
    mockFetch();
    renderSplit(row([{ version: 1, weight: 90 }, { version: 2, weight: 10 }], 1), false);

    expect(screen.getByTestId('label-production-split')).toHaveTextContent('v1 90 % · v2 10 %');
    expect(screen.getByRole('link', { name: 'Compare on the Quality page' })).toBeInTheDocument();
    expect(screen.queryByRole('button')).not.toBeInTheDocument();
  });
});

describe('split checks', () => {
  it('accepts whole percents adding up to 100, sorted by version', () => {
    expect(checkSplit([{ version: '8', weight: '10' }, { version: '7', weight: '90' }]).arms).toEqual([
      { version: 7, weight: 90 },
      { version: 8, weight: 10 },
    ]);
  });

  it('names what is wrong', () => {
    expect(checkSplit([{ version: '7', weight: '100' }]).problems).toEqual(['A split needs at least two versions.', 'Each weight is a whole percent from 1 to 99.']);
    expect(checkSplit([{ version: '7', weight: '50.5' }, { version: '8', weight: '49.5' }]).problems).toEqual(['Each weight is a whole percent from 1 to 99.']);
    expect(checkSplit([{ version: '', weight: '50' }, { version: '8', weight: '50' }]).problems).toEqual(['Pick a version for every arm.']);
  });

  it('starts a label without a split as a canary of the newest other version', () => {
    expect(initialArms({ version: 7, split: [] }, [9, 8, 7])).toEqual([{ version: '7', weight: '90' }, { version: '9', weight: '10' }]);
  });

  it('links the Quality page with the app and the label', () => {
    expect(qualityLink('3', 7, 'production')).toBe('/monitoring/w/3/quality?app=7&label=production');
  });
});
