import { fireEvent, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { jsonResponse, renderWithShell } from '../test/render';
import { NewExperimentPage } from './NewExperimentPage';

const page = <T,>(results: T[]) => ({ count: results.length, next: null, previous: null, results });
const DATASET = { id: 4, name: 'Helpdesk corrections', description: '', latest_version: 2, version_count: 2,
  versions: [{ number: 2, row_count: 40, note: '', tags: [], columns: ['question'], created_at: '', created_by: null },
             { number: 1, row_count: 30, note: '', tags: [], columns: ['question'], created_at: '', created_by: null }] };

function stubApi() {
  const fetch = vi.fn(async (url: string, init?: RequestInit) => {
    if (init?.method === 'POST') return jsonResponse(201, { id: 99 });
    if (url.includes('/experiments/11/rows/')) return jsonResponse(200, page([7, 9, 12].map((id) => ({ row: { id, position: id, inputs: {}, expected: null, tags: [] }, cells: [] }))));
    if (url.includes('/experiments/11/')) return jsonResponse(200, { id: 11, name: 'Fine-tune helpdesk: base vs tuned' });
    if (url.includes('/datasets/4/')) return jsonResponse(200, DATASET);
    if (url.includes('/datasets/')) return jsonResponse(200, page([{ id: 4, name: DATASET.name }]));
    if (url.includes('/evaluator-types/')) return jsonResponse(200, { results: [] });
    if (url.includes('/models/')) return jsonResponse(200, { results: [] });
    return jsonResponse(200, page([]));
  });
  vi.stubGlobal('fetch', fetch);
  return fetch;
}

describe('New experiment on some rows', () => {
  afterEach(() => vi.unstubAllGlobals());

  it("runs on the held-out rows of a fine-tune's comparison, at the dataset version it names", async () => {
    const fetch = stubApi();
    renderWithShell(<NewExperimentPage />, { path: '/evaluations/experiments/new?dataset=4&version=1&rows_of=11' });

    expect(await screen.findByTestId('row-subset')).toHaveTextContent('Only the 3 rows “Fine-tune helpdesk: base vs tuned” ran on');
    expect(await screen.findByLabelText('Dataset version')).toHaveValue('1');
    fireEvent.submit(screen.getByRole('form', { name: 'New experiment' }));

    await vi.waitFor(() => expect(fetch.mock.calls.some(([, init]) => init?.method === 'POST')).toBe(true));
    const [, init] = fetch.mock.calls.find(([, i]) => i?.method === 'POST')!;
    expect(JSON.parse(String(init?.body))).toMatchObject({ dataset_id: 4, dataset_version: 1, row_ids: [7, 9, 12] });
  });

  it('uses every row again on request', async () => {
    stubApi();
    renderWithShell(<NewExperimentPage />, { path: '/evaluations/experiments/new?dataset=4&rows_of=11' });
    fireEvent.click(await screen.findByRole('button', { name: 'Use every row' }));
    expect(screen.queryByTestId('row-subset')).not.toBeInTheDocument();
    expect(await screen.findByLabelText('Dataset version')).toHaveValue('2');
  });
});
