import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes, useParams } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { jsonResponse, renderWithShell } from '../test/render';
import { NewFineTunePage } from './NewFineTunePage';
import { CATALOG } from './testing';

const COUNTS: Record<string, number> = { lora: 460_800, ia3: 46_080, prefix: 552_960 };

const DATASET = {
  id: 5,
  name: 'Support FAQ',
  description: '',
  latest_version: 2,
  version_count: 2,
  created_at: '2026-01-01T00:00:00Z',
  updated_at: '2026-01-02T00:00:00Z',
  versions: [
    { id: 11, number: 1, note: '', row_count: 8, columns: ['question'], tags: [], created_by: null, created_at: '2026-01-01T00:00:00Z' },
    { id: 12, number: 2, note: '', row_count: 12, columns: ['question'], tags: [], created_by: null, created_at: '2026-01-02T00:00:00Z' },
  ],
};

type Post = (body: Record<string, unknown>) => Response;

function mockApi(post: Post) {
  const posts: Record<string, unknown>[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init: RequestInit = {}) => {
      if ((init.method ?? 'GET') === 'POST') {
        const body = JSON.parse(String(init.body)) as Record<string, unknown>;
        posts.push(body);
        return post(body);
      }
      if (url.includes('/finetune/methods/')) {
        const withCounts = url.includes('base_model=');
        return jsonResponse(200, {
          ...CATALOG,
          methods: CATALOG.methods.map((m) => (withCounts ? { ...m, trainable_params: COUNTS[m.method] } : m)),
          ...(withCounts ? { total_params: 134_515_008 } : {}),
        });
      }
      if (url.includes('/finetune/jobs/')) return jsonResponse(200, { count: 1, results: [{ name: 'support-faq-lora' }] });
      if (url.includes('/datasets/5/')) return jsonResponse(200, DATASET);
      if (url.includes('/datasets/')) return jsonResponse(200, { count: 1, results: [DATASET] });
      return jsonResponse(404, { error: { code: 'not_found', message: 'Not found.', details: null } });
    }),
  );
  return posts;
}

function JobStub() {
  const { jobId } = useParams();
  return <h1>Job {jobId}</h1>;
}

function renderForm() {
  return renderWithShell(
    <Routes>
      <Route path="/finetune/new" element={<NewFineTunePage />} />
      <Route path="/finetune/:jobId" element={<JobStub />} />
    </Routes>,
    { path: '/finetune/new?dataset=5' },
  );
}

describe('New fine-tune', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('preselects the dataset and LoRA, shows the chosen method’s settings and sends only those', async () => {
    const posts = mockApi(() => jsonResponse(201, { id: 42 }));
    renderForm();
    await waitFor(() => expect(screen.getByLabelText('Dataset version')).toHaveValue('2'));
    expect(screen.getByLabelText('Dataset')).toHaveValue('5');
    expect(screen.getByRole('radio', { name: 'LoRA' })).toBeChecked();
    expect(screen.getByLabelText('Rank r')).toHaveValue('8');
    // The name is suggested from the dataset and the method, free in the workspace.
    expect(screen.getByLabelText('Name')).toHaveValue('support-faq-lora-2');
    expect(await screen.findByText('≈ 461k trainable parameters (0.3 % of 135M)')).toBeInTheDocument();

    expect(screen.getByLabelText('Learning rate')).toHaveValue(0.002);
    await userEvent.click(screen.getByRole('radio', { name: 'Prefix tuning' }));
    expect(screen.getByLabelText('Learning rate')).toHaveValue(0.03); // the method's own
    expect(screen.queryByLabelText('Rank r')).not.toBeInTheDocument();
    expect(screen.getByLabelText('Virtual tokens')).toHaveValue('16');
    await userEvent.clear(screen.getByLabelText('Virtual tokens'));
    await userEvent.type(screen.getByLabelText('Virtual tokens'), '24');
    expect(screen.getByLabelText('Name')).toHaveValue('support-faq-prefix');

    await userEvent.click(screen.getByRole('button', { name: 'Start fine-tuning' }));
    expect(await screen.findByRole('heading', { name: 'Job 42' })).toBeInTheDocument();
    expect(posts).toEqual([
      {
        name: 'support-faq-prefix',
        base_model: 'smollm2-135m-instruct',
        method: 'prefix',
        method_settings: { virtual_tokens: 24 },
        dataset_id: 5,
        dataset_version: 2,
        epochs: 3,
        learning_rate: 0.03,
        batch_size: 4,
        max_length: 256,
        validation_share: 0.2,
        seed: 0,
      },
    ]);
  });

  it('shows the server’s refusal at the field it names and stays on the form', async () => {
    mockApi((body) =>
      body.batch_size === 4
        ? jsonResponse(400, {
            error: { code: 'finetune_name_taken', message: "A fine-tuned model named 'faq' exists in this workspace.", details: { field: 'name' } },
          })
        : jsonResponse(400, {
            error: {
              code: 'finetune_too_large',
              message: 'This job would need about 90.1 GiB of memory; this machine can give it 11.2 GiB.',
              details: { field: 'batch_size', needed_bytes: 1, available_bytes: 0 },
            },
          }),
    );
    renderForm();
    await waitFor(() => expect(screen.getByLabelText('Dataset version')).toHaveValue('2'));
    const name = screen.getByLabelText('Name');
    await userEvent.clear(name);
    await userEvent.type(name, 'faq');
    await userEvent.click(screen.getByRole('button', { name: 'Start fine-tuning' }));

    expect(await screen.findByText("A fine-tuned model named 'faq' exists in this workspace.")).toBeInTheDocument();
    expect(name).toHaveAttribute('aria-invalid', 'true');
    expect(name).toHaveAccessibleDescription(expect.stringContaining("named 'faq' exists"));
    expect(name).toHaveFocus();
    expect(screen.getByLabelText('Batch size')).not.toHaveAttribute('aria-invalid');

    await userEvent.clear(screen.getByLabelText('Batch size'));
    await userEvent.type(screen.getByLabelText('Batch size'), '64');
    await userEvent.click(screen.getByRole('button', { name: 'Start fine-tuning' }));
    expect(await screen.findByTestId('field-error-batch_size')).toHaveTextContent('90.1 GiB');
    expect(screen.getByLabelText('Batch size')).toHaveAttribute('aria-invalid', 'true');
    expect(name).not.toHaveAttribute('aria-invalid');
  });
});
