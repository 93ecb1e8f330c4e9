import { screen } from '@testing-library/react';
import { Route, Routes } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { jsonResponse, renderWithShell } from '../test/render';
import { QueueFormPage } from './QueueFormPage';
import type { Queue, ScoreConfig } from './types';

const CORRECT: ScoreConfig = {
  id: 1, name: 'Correct', kind: 'categorical', options: ['yes', 'no'], description: '', min: null, max: null, step: null, archived: false, in_use: true, created_at: '',
};
const QUEUE: Queue = {
  id: 9, name: 'Support answers', instructions: 'Judge the **answer**.', score_configs: [CORRECT], reviewers: [], required_reviews: 1,
  blind: true, due_at: null, lock_timeout_s: 600, created_at: '', counts: { total: 0, pending: 0, in_review: 0, completed: 0, skipped: 0 }, my_remaining: 0,
};

describe('editing a queue', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('shows the form only once the queue is in, so nothing typed is overwritten', async () => {
    let answerQueue: (r: Response) => void = () => undefined;
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string) => {
        if (url.includes('/score-configs/')) return jsonResponse(200, { count: 1, results: [CORRECT] });
        if (url.includes('/members/')) return jsonResponse(200, { count: 0, results: [] });
        return new Promise<Response>((resolve) => (answerQueue = resolve));
      }),
    );
    renderWithShell(
      <Routes>
        <Route path="/annotation/queues/:queueId/edit" element={<QueueFormPage />} />
      </Routes>,
      { path: '/annotation/queues/9/edit' },
    );

    expect(screen.getByRole('status')).toHaveTextContent('Loading…');
    expect(screen.queryByRole('textbox', { name: 'Name' })).not.toBeInTheDocument();
    answerQueue(jsonResponse(200, QUEUE));
    expect(await screen.findByRole('textbox', { name: 'Name' })).toHaveValue('Support answers');
    expect(screen.getByRole('textbox', { name: 'Instructions' })).toHaveValue('Judge the **answer**.');
  });
});
