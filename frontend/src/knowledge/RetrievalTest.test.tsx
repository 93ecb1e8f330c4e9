import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { jsonResponse, renderWithShell } from '../test/render';
import { RetrievalTest } from './RetrievalTest';
import type { KnowledgeBase, SearchHit } from './types';

const KB = {
  id: 7,
  name: 'Handbook',
  search_defaults: { mode: 'hybrid', top_k: 5, score_threshold: null },
  embedding: { provider: 'local', model: 'all-minilm-l6-v2', dimensions: 384, base_url: '' },
} as unknown as KnowledgeBase;

const hit = (score: number): SearchHit => ({
  chunk_id: 1,
  document_id: 3,
  document_name: 'offices.pdf',
  text: 'Kestrel pays a bicycle allowance of 25 EUR a month.',
  matched_text: '',
  score,
  page: 2,
  heading: 'Parking',
  position: 4,
  ranks: {},
  highlights: ['bicycle', 'allowance'],
});

describe('RetrievalTest', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('runs the three modes side by side and highlights the matched words', async () => {
    const fetchMock = vi.fn(async () =>
      jsonResponse(200, {
        query: 'bicycle allowance',
        top_k: 5,
        score_threshold: null,
        embedding_ms: 12,
        results: [
          { mode: 'vector', took_ms: 3, hits: [hit(0.61)] },
          { mode: 'full_text', took_ms: 2, hits: [hit(0.29)] },
          { mode: 'hybrid', took_ms: 4, hits: [hit(1)] },
        ],
      }),
    );
    vi.stubGlobal('fetch', fetchMock);
    renderWithShell(<RetrievalTest kb={KB} />);

    await userEvent.type(screen.getByLabelText('Query'), 'bicycle allowance');
    await userEvent.click(screen.getByRole('button', { name: 'Test retrieval' }));

    const hybrid = await screen.findByTestId('mode-hybrid');
    expect(within(hybrid).getByTestId('hit-score')).toHaveTextContent('1.000');
    expect(within(hybrid).getByTestId('hit-source')).toHaveTextContent('offices.pdf · page 2 · Parking');
    expect([...hybrid.querySelectorAll('mark')].map((m) => m.textContent)).toEqual(['bicycle', 'allowance']);
    expect(screen.getByTestId('mode-vector')).toBeInTheDocument();
    expect(screen.getByTestId('mode-full_text')).toBeInTheDocument();
    const [url, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/api/workspaces/1/knowledge-bases/7/search/');
    expect(JSON.parse(String(init.body)).modes).toEqual(['vector', 'full_text', 'hybrid']);
  });
});
