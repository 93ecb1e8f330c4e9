import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { jsonResponse, renderWithShell } from '../test/render';
import { ReviewPage } from './ReviewPage';
import type { Item, Queue, ScoreConfig } from './types';

const base = { description: '', min: null, max: null, step: null, archived: false, in_use: false, created_at: '' };
const CORRECT: ScoreConfig = { ...base, id: 1, name: 'Correct', kind: 'categorical', options: ['yes', 'partly', 'no'] };
const POLITE: ScoreConfig = { ...base, id: 2, name: 'Polite', kind: 'boolean', options: [] };
const QUEUE: Queue = {
  id: 9,
  name: 'Support answers',
  instructions: 'Judge the **answer**.',
  score_configs: [CORRECT, POLITE],
  reviewers: [],
  required_reviews: 1,
  blind: true,
  due_at: null,
  lock_timeout_s: 600,
  created_at: '',
  counts: { total: 3, pending: 3, in_review: 0, completed: 0, skipped: 0 },
  my_remaining: 3,
};

function item(id: number, done: number): Item {
  return {
    id,
    queue: 9,
    kind: 'run',
    status: 'in_review',
    source: 'manual',
    created_at: '',
    subject: { run_id: `r${id}`, node_id: '', cell_id: null, app_id: 1, app_name: 'Support bot', version_number: 1 },
    input_preview: '',
    output_preview: '',
    reviews_submitted: null,
    disagreement: null,
    adjudicated: false,
    input: { question: `question ${id}` },
    output: `answer ${id}`,
    expected: null,
    trace: [],
    claim: { expires_at: new Date(Date.now() + 600_000).toISOString(), mine: true },
    my_review: { status: 'claimed', scores: {}, corrected_output: null, comment: '' },
    reviews: [],
    final: null,
    position: { done, total: 2 },
  };
}

/** A two-item queue on a fake server; returns the calls made. */
function fakeServer(options: { reviewFails?: { status: number; code: string } } = {}) {
  const calls: { method: string; url: string; body: unknown }[] = [];
  let reviewed = 0;
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init: RequestInit) => {
      const body: unknown = init.body ? JSON.parse(String(init.body)) : null;
      calls.push({ method: init.method ?? 'GET', url, body });
      if (url.endsWith('/queues/9/')) return jsonResponse(200, QUEUE);
      if (url.endsWith('/next/')) {
        const exclude = (body as { exclude: number[] }).exclude;
        const next = [1, 2].find((id) => !exclude.includes(id) && id > reviewed);
        return next ? jsonResponse(200, item(next, reviewed)) : new Response(null, { status: 204 });
      }
      if (url.includes('/review/')) {
        if (options.reviewFails) return jsonResponse(options.reviewFails.status, { error: { code: options.reviewFails.code, message: 'Nope.' } });
        reviewed += 1;
        return jsonResponse(200, { item: item(reviewed, reviewed), next: reviewed < 2 ? item(reviewed + 1, reviewed) : null });
      }
      if (url.includes('/release/')) return new Response(null, { status: 204 });
      return jsonResponse(404, { error: { code: 'not_found', message: url } });
    }),
  );
  return calls;
}

const renderReview = () =>
  renderWithShell(
    <Routes>
      <Route path="/annotation/queues/:queueId/review" element={<ReviewPage />} />
    </Routes>,
    { path: '/annotation/queues/9/review' },
  );

describe('the review screen', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('claims an item, preloads the next, and submits the keyed scores with Enter', async () => {
    const calls = fakeServer();
    const user = userEvent.setup();
    renderReview();

    expect(await screen.findByTestId('review-progress')).toHaveTextContent('1 / 2');
    await waitFor(() => expect(calls.filter((c) => c.url.endsWith('/next/'))).toHaveLength(2));
    expect(calls[calls.length - 1]?.body).toEqual({ exclude: [1] });
    await waitFor(() => expect(screen.getByRole('radiogroup', { name: 'Correct' })).toHaveFocus());

    await user.keyboard('2');
    expect(screen.getByRole('radiogroup', { name: 'Polite' })).toHaveFocus();
    await user.keyboard('n');
    await user.keyboard('{Enter}');

    // The preloaded item shows at once, before the server has answered.
    expect(screen.getByTestId('review-output')).toHaveTextContent('answer 2');
    expect(screen.getByTestId('review-progress')).toHaveTextContent('2 / 2');
    const review = calls.find((c) => c.url.includes('/items/1/review/'));
    expect(review?.url).toContain('?next=1');
    expect(review?.body).toEqual({ scores: { '1': 'partly', '2': false }, corrected_output: null, comment: '' });

    await user.keyboard('1y{Enter}');
    expect(await screen.findByTestId('queue-done')).toHaveTextContent('Queue done');
  });

  it('refuses to submit with a score missing, naming it', async () => {
    const calls = fakeServer();
    const user = userEvent.setup();
    renderReview();
    await screen.findByTestId('review-progress');
    await waitFor(() => expect(screen.getByRole('radiogroup', { name: 'Correct' })).toHaveFocus());
    await user.keyboard('1{Enter}');
    expect(screen.getByRole('radiogroup', { name: 'Polite' })).toHaveTextContent('Required.');
    expect(calls.some((c) => c.url.includes('/review/'))).toBe(false);
  });

  it('brings the item back with its scores when the server refuses the review', async () => {
    fakeServer({ reviewFails: { status: 400, code: 'score_invalid' } });
    const user = userEvent.setup();
    renderReview();
    await screen.findByTestId('review-progress');
    await waitFor(() => expect(screen.getByRole('radiogroup', { name: 'Correct' })).toHaveFocus());
    await user.keyboard('3y{Enter}');
    expect(await screen.findByRole('alert')).toHaveTextContent('Nope.');
    expect(screen.getByTestId('review-output')).toHaveTextContent('answer 1');
    expect(screen.getByRole('radio', { name: /no/ , checked: true })).toBeInTheDocument();
  });

  it('moves on when the claim was lost', async () => {
    fakeServer({ reviewFails: { status: 409, code: 'claim_lost' } });
    const user = userEvent.setup();
    renderReview();
    await screen.findByTestId('review-progress');
    await waitFor(() => expect(screen.getByRole('radiogroup', { name: 'Correct' })).toHaveFocus());
    await user.keyboard('1y{Enter}');
    expect(await screen.findByTestId('review-notice')).toHaveTextContent('another reviewer took it');
    expect(screen.getByTestId('review-output')).toHaveTextContent('answer 2');
  });

  it('skips with a reason typed inline; Esc cancels', async () => {
    const calls = fakeServer();
    const user = userEvent.setup();
    renderReview();
    await screen.findByTestId('review-progress');
    await waitFor(() => expect(screen.getByRole('radiogroup', { name: 'Correct' })).toHaveFocus());
    await user.keyboard('s');
    const reason = await screen.findByLabelText('Why skip this item?');
    await waitFor(() => expect(reason).toHaveFocus());
    await user.keyboard('{Escape}');
    expect(screen.queryByLabelText('Why skip this item?')).toBeNull();
    expect(calls.some((c) => c.url.includes('/skip/'))).toBe(false);
  });
});
