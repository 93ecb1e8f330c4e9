import { screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TEST_SESSION, jsonResponse, renderWithShell } from '../test/render';
import { FineTuneListPage } from './FineTuneListPage';

const JOB = {
  id: 7,
  name: 'faq-lora',
  model: 'smollm2-135m-instruct+faq-lora',
  method: 'p_tuning',
  source: 'trained',
  dataset_id: 5,
  dataset_name: 'Support FAQ',
  dataset_version: 2,
  status: 'running',
  cancel_requested: false,
  step: 40,
  total_steps: 120,
  losses: [[40, 1.2]],
  val_losses: [
    [20, 1.61],
    [40, 1.4321],
  ],
  merge_status: '',
  evaluation: null,
  created_at: '2026-01-02T10:00:00Z',
};

const stubJobs = (results: unknown[]) => vi.stubGlobal('fetch', vi.fn(async () => jsonResponse(200, { count: results.length, results })));

describe('The fine-tuning list', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('explains fine-tuning and how to start when there is none', async () => {
    stubJobs([]);
    renderWithShell(<FineTuneListPage />, { path: '/finetune' });
    expect(await screen.findByTestId('finetune-empty')).toHaveTextContent('expected output');
    expect(screen.getByRole('link', { name: 'New fine-tune' })).toHaveAttribute('href', '/finetune/new');
    expect(screen.getByRole('button', { name: 'Upload adapter' })).toBeInTheDocument();
  });

  it('lists a job with its method, progress, dataset and last validation loss; viewers get no buttons', async () => {
    stubJobs([JOB]);
    renderWithShell(<FineTuneListPage />, { path: '/finetune', session: { ...TEST_SESSION, role: 'viewer' } });
    const row = await screen.findByTestId('finetune-row');
    expect(within(row).getByRole('link', { name: 'smollm2-135m-instruct+faq-lora' })).toHaveAttribute('href', '/finetune/7');
    expect(row).toHaveTextContent('P-tuning');
    expect(within(row).getByRole('progressbar')).toHaveTextContent('step 40/120');
    expect(within(row).getByRole('link', { name: 'Support FAQ v2' })).toHaveAttribute('href', '/evaluations/datasets/5');
    expect(row).toHaveTextContent('1.432');
    expect(screen.queryByRole('link', { name: 'New fine-tune' })).not.toBeInTheDocument();
  });
});
