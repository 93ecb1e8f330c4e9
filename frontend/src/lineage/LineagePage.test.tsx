import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { renderWithShell } from '../test/render';
import { LineageView } from './LineagePage';
import type { Lineage } from './types';

const NOW = new Date().toISOString();
const DATASET = { id: 4, name: 'Corrected answers', version: 2, version_id: 40 };
const LINEAGE: Lineage = {
  app: { id: 7, name: 'Helpdesk' },
  version: { number: 3, kind: 'saved', message: 'tuned', created_by: 'ana', created_at: NOW },
  serving: [
    { label: 'production', weight: 10, split: true },
    { label: 'staging', weight: 100, split: false },
  ],
  moves: [
    { label: 'staging', kind: 'move', from_version: 2, to_version: 3, arms: [], evidence: { experiment: 12, experiment_name: 'Base vs tuned', variant: 31, variant_name: 'v3' }, moved_by: 'ana', moved_at: NOW },
  ],
  prompts: [],
  models: [
    {
      model: 'smollm2-135m-instruct+helpdesk',
      node_ids: ['llm'],
      job: { id: 9, name: 'helpdesk', method: 'lora', status: 'succeeded', source: 'trained', epochs: 3, learning_rate: 0.002, train_rows: 40, validation_rows: 10, validation_loss: [1.8, 0.11], evaluation_id: 11 },
      dataset: DATASET,
    },
  ],
  experiments: [{ id: 12, name: 'Base vs tuned', status: 'succeeded', created_at: NOW, dataset: DATASET, variants: [{ id: 31, name: 'v3', runs: 'app_version' }] }],
  datasets: [{ ...DATASET, rows: 50, note: '50 reviewed items from Thumbs down', tags: ['billing'], created_by: 'ana', created_at: NOW, queues: [{ id: 5, name: 'Thumbs down', items: 50 }], reviews: 100, reviewers: ['ana', 'bo'], source_runs: 50, runs_sample: ['0f8c2a7e-aaaa', '1d2e3f4a-bbbb'] }],
};

describe('LineageView', () => {
  it('walks from the reviewed runs to the labels that serve the version, each step linked', () => {
    renderWithShell(<LineageView lineage={LINEAGE} workspaceId="1" />);

    const data = screen.getByTestId('lineage-dataset');
    expect(within(data).getByRole('link', { name: 'Thumbs down' })).toHaveAttribute('href', '/annotation/queues/5');
    expect(data).toHaveTextContent('50 item(s), 100 review(s) by ana, bo');
    expect(within(data).getByRole('link', { name: '0f8c2a7e' })).toHaveAttribute('href', '/runs/0f8c2a7e-aaaa');

    const model = screen.getByTestId('lineage-model');
    expect(within(model).getByRole('link', { name: 'fine-tune helpdesk' })).toHaveAttribute('href', '/finetune/9');
    expect(model).toHaveTextContent('validation loss 1.80 → 0.11');
    expect(within(model).getByRole('link', { name: 'base vs tuned on the held-out rows' })).toHaveAttribute('href', '/evaluations/experiments/11');

    expect(screen.getByText('No library prompt: its nodes carry their own messages.')).toBeInTheDocument();
    expect(screen.getByTestId('lineage-moves')).toHaveTextContent('from experiment Base vs tuned (v3)');
    const serving = screen.getByTestId('lineage-serving');
    expect(serving).toHaveTextContent('production 10 % of its calls (A/B split)');
    expect(within(serving).getAllByRole('link')[0]).toHaveAttribute('href', '/monitoring/w/1/quality?app=7&label=production');
  });
});
