import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { jsonResponse, renderWithShell } from '../test/render';
import { FineTuneJobPage } from './FineTuneJobPage';
import type { FineTuneJob } from './types';

const plotly = vi.hoisted(() => ({ react: vi.fn(() => Promise.resolve()), purge: vi.fn() }));
vi.mock('plotly.js-dist-min', () => ({ default: plotly }));

const RUNNING: FineTuneJob = {
  id: 7,
  name: 'faq-lora',
  model: 'smollm2-135m-instruct+faq-lora',
  base_model: 'smollm2-135m-instruct',
  method: 'lora',
  method_settings: { r: 8 },
  source: 'trained',
  dataset_id: 5,
  dataset_name: 'Support FAQ',
  dataset_version: 2,
  validation_share: 0.2,
  epochs: 3,
  learning_rate: 0.0003,
  batch_size: 4,
  max_length: 256,
  seed: 0,
  status: 'running',
  cancel_requested: false,
  step: 40,
  total_steps: 120,
  losses: [
    [1, 2.4],
    [40, 1.2],
  ],
  val_losses: [[40, 1.4]],
  tokens_per_s: 1830.4,
  eta_s: 95,
  trainable_params: 460_800,
  total_params: 134_515_008,
  train_rows: 40,
  validation_rows: 10,
  error: null,
  merge_status: '',
  merge_error: '',
  evaluation: null,
  job_id: 3,
  created_at: '2026-01-02T10:00:00Z',
  started_at: '2026-01-02T10:00:05Z',
  finished_at: null,
};

const SUCCEEDED: FineTuneJob = {
  ...RUNNING,
  status: 'succeeded',
  step: 120,
  eta_s: 0,
  method: 'prefix',
  method_settings: { virtual_tokens: 16 },
  finished_at: '2026-01-02T10:04:00Z',
  evaluation: {
    experiment_id: 31,
    status: 'completed',
    cells_done: 20,
    cells_total: 20,
    primary_evaluator: 'similarity',
    base: { variant_id: 1, name: 'base', model: 'smollm2-135m-instruct', n: 10, good: 3, ratio: 0.3, ci_low: 0.11, ci_high: 0.6 },
    tuned: { variant_id: 2, name: 'tuned', model: 'smollm2-135m-instruct+faq-lora', n: 10, good: 9, ratio: 0.9, ci_low: 0.6, ci_high: 0.98 },
    winner: 'tuned',
  },
};

function mockApi(first: FineTuneJob, onPost: (url: string) => FineTuneJob = () => first) {
  let current = first;
  const calls: string[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init: RequestInit = {}) => {
      const method = init.method ?? 'GET';
      calls.push(`${method} ${url}`);
      if (method === 'POST') {
        current = onPost(url);
        return jsonResponse(200, current);
      }
      if (method === 'DELETE') return new Response(null, { status: 204 });
      if (url.includes('/evaluator-types/')) return jsonResponse(200, { results: [{ type: 'exact_match' }, { type: 'similarity' }, { type: 'regex' }] });
      return jsonResponse(200, current);
    }),
  );
  return calls;
}

function renderJob() {
  return renderWithShell(
    <Routes>
      <Route path="/finetune" element={<h1>Fine-tuning list</h1>} />
      <Route path="/finetune/:jobId" element={<FineTuneJobPage />} />
    </Routes>,
    { path: '/finetune/7' },
  );
}

describe('A fine-tune’s page', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('follows a running job — step, tokens/s, ETA, the loss curve — and cancels it, then deletes it', async () => {
    const calls = mockApi(RUNNING, () => ({ ...RUNNING, status: 'cancelled', cancel_requested: true, finished_at: '2026-01-02T10:01:00Z' }));
    renderJob();
    expect(await screen.findByRole('heading', { name: /smollm2-135m-instruct\+faq-lora/ })).toHaveTextContent('running');
    expect(screen.getByRole('progressbar', { name: 'Training progress' })).toHaveTextContent('step 40/120');
    expect(screen.getByTestId('training-figures')).toHaveTextContent('1,830 tokens/s');
    expect(screen.getByTestId('training-figures')).toHaveTextContent('about 1 min 35 s left');
    expect(screen.getByRole('link', { name: 'Support FAQ v2' })).toHaveAttribute('href', '/evaluations/datasets/5');
    expect(screen.getByTestId('job-facts')).toHaveTextContent('40 training / 10 validation');
    await waitFor(() => expect(plotly.react).toHaveBeenCalled());
    const [, traces] = plotly.react.mock.calls.at(-1) as unknown as [HTMLElement, { name: string; x: number[] }[]];
    expect(traces.map((t) => [t.name, t.x])).toEqual([
      ['training loss', [1, 40]],
      ['validation loss', [40]],
    ]);
    expect(screen.queryByRole('button', { name: 'Delete' })).not.toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(await screen.findByTestId('tune-status')).toHaveTextContent('cancelled');
    expect(calls).toContain('POST /api/workspaces/1/finetune/jobs/7/cancel/');

    await userEvent.click(screen.getByRole('button', { name: 'Delete' }));
    const dialog = screen.getByRole('alertdialog', { name: /Delete “smollm2-135m-instruct\+faq-lora”/ });
    await userEvent.click(within(dialog).getByRole('button', { name: 'Delete fine-tune' }));
    expect(await screen.findByRole('heading', { name: 'Fine-tuning list' })).toBeInTheDocument();
    expect(calls).toContain('DELETE /api/workspaces/1/finetune/jobs/7/');
  });

  it('offers a succeeded model: playground, adapter, merge only where it can, and base vs tuned', async () => {
    const calls = mockApi(SUCCEEDED, () => ({ ...SUCCEEDED, evaluation: { ...SUCCEEDED.evaluation!, status: 'running', cells_done: 4, winner: null } }));
    renderJob();
    expect(await screen.findByRole('link', { name: 'Try in playground' })).toHaveAttribute('href', '/playground');
    expect(screen.getByRole('link', { name: 'Download adapter' })).toHaveAttribute('href', '/api/workspaces/1/finetune/jobs/7/adapter/');
    const merge = screen.getByRole('button', { name: 'Merge into base model' });
    expect(merge).toBeDisabled();
    expect(merge).toHaveAccessibleDescription(expect.stringContaining('Only LoRA and IA3'));

    expect(screen.getByTestId('winner')).toHaveTextContent('The tuned model is better on 9 of 10 held-out rows vs 3 of 10 for the base model.');
    expect(screen.getByTestId('ratio-tuned')).toHaveTextContent('90 %');
    expect(screen.getByTestId('ratio-tuned')).toHaveTextContent('95 % interval 60 %–98 %');
    expect(screen.getByRole('link', { name: 'Open as experiment' })).toHaveAttribute('href', '/evaluations/experiments/31');
    expect(screen.getByRole('link', { name: 'Compare app versions on these rows' })).toHaveAttribute(
      'href',
      '/evaluations/experiments/new?dataset=5&version=2&rows_of=31',
    );

    await waitFor(() => expect(screen.getByRole('option', { name: 'exact match' })).toBeInTheDocument());
    expect(screen.queryByRole('option', { name: 'regex' })).not.toBeInTheDocument();
    await userEvent.selectOptions(screen.getByLabelText('Evaluator'), 'exact_match');
    await userEvent.click(screen.getByRole('button', { name: 'Evaluate again' }));
    expect(await screen.findByRole('progressbar', { name: 'Comparison progress' })).toHaveTextContent('4 / 20');
    expect(calls).toContain('POST /api/workspaces/1/finetune/jobs/7/evaluate/');
    const body = JSON.parse(String((vi.mocked(fetch).mock.calls.find(([u]) => String(u).endsWith('/evaluate/'))![1] as RequestInit).body));
    expect(body).toEqual({ evaluators: [{ name: 'exact_match', type: 'exact_match' }], primary_evaluator: 'exact_match' });
  });

  it('shows why a job failed, and an uploaded adapter without a curve', async () => {
    mockApi({ ...RUNNING, status: 'failed', error: { code: 'finetune_data_invalid', message: 'Row 3 is longer than the maximum length.' } });
    const { unmount } = renderJob();
    expect(await screen.findByTestId('failure')).toHaveTextContent('The fine-tune failed: Row 3 is longer than the maximum length.');
    unmount();
    mockApi({ ...SUCCEEDED, source: 'uploaded', dataset_id: null, dataset_name: null, dataset_version: null, losses: [], val_losses: [], evaluation: null });
    renderJob();
    expect(await screen.findByTestId('uploaded-note')).toHaveTextContent('uploaded, not trained here');
    expect(screen.queryByTestId('loss-curve')).not.toBeInTheDocument();
    expect(screen.queryByTestId('evaluation-card')).not.toBeInTheDocument();
  });
});
