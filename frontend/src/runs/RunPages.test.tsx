import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes, useLocation } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { jsonResponse, renderWithShell } from '../test/render';
import { RunDetailPage } from './RunDetailPage';
import { RunListPage } from './RunListPage';
import type { RunDetail, RunRow } from './types';

const APP = { id: 7, name: 'FAQ bot', slug: 'faq-bot' };
const KEY = { id: 3, name: 'backend', prefix: 'ab12cd34' };

function row(id: string, patch: Partial<RunRow> = {}): RunRow {
  return {
    id,
    app: APP,
    prompt: null,
    version: 2,
    source: 'api',
    status: 'succeeded',
    error: null,
    tokens_in: 12,
    tokens_out: 5,
    cost: 0.0021,
    latency_ms: 850,
    created_at: new Date().toISOString(),
    started_at: null,
    finished_at: null,
    label: 'production',
    key: KEY,
    end_user: null,
    ...patch,
  };
}

const FAILED = row('f0000000-0000-4000-8000-000000000001', { status: 'failed', error: { code: 'provider_error', message: 'The model said no.', node_id: 'ask' } });
const OK = row('a0000000-0000-4000-8000-000000000002', { source: 'debug', version: null, label: null, key: null });

const DETAIL: RunDetail = {
  ...FAILED,
  app_id: 7,
  group_id: null,
  group_index: null,
  target_node_id: '',
  inputs: { query: 'Where is the office?' },
  outputs: {},
  end_user: 'u-42',
  graph: {
    format_version: 1,
    name: 'FAQ bot',
    description: '',
    inputs: [],
    outputs: [],
    edges: [],
    notes: [],
    nodes: [
      { id: 'start', type: 'start', version: 1, title: 'Start', config: {}, position: { x: 0, y: 0 } },
      { id: 'ask', type: 'prompt', version: 1, title: 'Ask the model', config: {}, position: { x: 0, y: 0 } },
    ],
  },
  traces: [
    { node_id: 'start', node_type: 'start', title: '', status: 'succeeded', inputs: null, outputs: { query: 'Where is the office?' }, error: null, latency_ms: 1, tokens_in: 0, tokens_out: 0, cost: null, started_at: null, finished_at: null, attempt: 1 },
    { node_id: 'ask', node_type: 'prompt', title: '', status: 'failed', inputs: null, outputs: {}, error: { code: 'provider_error', message: 'The model said no.' }, latency_ms: 40, tokens_in: 0, tokens_out: 0, cost: null, started_at: null, finished_at: null, attempt: 1 },
  ],
};

/** Answers the pages' calls; the run list answers by its status filter. */
function mockApi() {
  const urls: string[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string) => {
      urls.push(url);
      if (url.startsWith('/api/workspaces/1/apps/?')) return jsonResponse(200, { count: 1, results: [{ ...APP, description: '', status: 'published' }] });
      if (url.startsWith('/api/workspaces/1/api-keys/')) return jsonResponse(200, { count: 1, results: [{ ...KEY, scope: 'workspace', app_id: null, revoked_at: null }] });
      if (url.startsWith('/api/workspaces/1/apps/7/versions/')) return jsonResponse(200, { results: [{ number: 2, message: 'second', kind: 'saved' }] });
      if (url === `/api/workspaces/1/runs/${FAILED.id}/`) return jsonResponse(200, DETAIL);
      if (url.startsWith('/api/workspaces/1/runs/?')) {
        const status = new URL(url, 'http://x').searchParams.get('status');
        const results = status === 'failed' ? [FAILED] : status === 'cancelled' ? [] : [OK, FAILED];
        return jsonResponse(200, { count: results.length, next: null, previous: null, results });
      }
      return jsonResponse(404, { error: { code: 'not_found', message: `no mock for ${url}` } });
    }),
  );
  return urls;
}

function LocationProbe() {
  const location = useLocation();
  return <output data-testid="location">{location.pathname + location.search}</output>;
}

function renderRuns(path: string) {
  return renderWithShell(
    <>
      <Routes>
        <Route path="/runs" element={<RunListPage />} />
        <Route path="/runs/:runId" element={<RunDetailPage />} />
      </Routes>
      <LocationProbe />
    </>,
    { path },
  );
}

describe('Run list', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('lists runs with status, app, version, key, tokens, cost and latency', async () => {
    mockApi();
    renderRuns('/runs');
    const rows = await screen.findAllByTestId('run-row');
    expect(rows).toHaveLength(2);
    const failed = rows[1]!;
    expect(failed).toHaveTextContent('failed');
    expect(failed).toHaveTextContent('FAQ bot');
    expect(failed).toHaveTextContent('provider_error');
    expect(failed).toHaveTextContent('v2 · production');
    expect(failed).toHaveTextContent('backend · lsk_ab12cd34…');
    expect(failed).toHaveTextContent('12 → 5');
    expect(failed).toHaveTextContent('$0.0021');
    expect(failed).toHaveTextContent('850 ms');
    expect(rows[0]).toHaveTextContent('Test run');
    expect(screen.getByTestId('runs-count')).toHaveTextContent('2 runs');
  });

  it('keeps filters in the URL and asks the server for them', async () => {
    const urls = mockApi();
    renderRuns('/runs');
    await screen.findAllByTestId('run-row');

    await userEvent.click(screen.getByRole('button', { name: 'failed' }));

    await waitFor(() => expect(screen.getAllByTestId('run-row')).toHaveLength(1));
    expect(screen.getByTestId('location')).toHaveTextContent('/runs?status=failed');
    expect(screen.getByRole('button', { name: 'failed' })).toHaveAttribute('aria-pressed', 'true');
    expect(urls.at(-1)).toContain('status=failed');

    await userEvent.selectOptions(screen.getByTestId('filter-app'), 'FAQ bot');
    expect(screen.getByTestId('location')).toHaveTextContent('/runs?app=7&status=failed');
    await waitFor(() => expect(screen.getByTestId('filter-version')).toBeEnabled());
    await screen.findByRole('option', { name: 'v2 — second' });
  });

  it('reads a shared link and says what to do when nothing matches', async () => {
    mockApi();
    renderRuns('/runs?status=cancelled&range=24h');
    expect(await screen.findByTestId('runs-empty')).toHaveTextContent('No run matches these filters');
    expect(screen.getByRole('button', { name: 'cancelled' })).toHaveAttribute('aria-pressed', 'true');
    expect(screen.getByTestId('filter-time')).toHaveValue('24h');

    await userEvent.click(within(screen.getByTestId('runs-empty')).getByRole('button', { name: 'Clear filters' }));

    expect(screen.getByTestId('location')).toHaveTextContent(/^\/runs$/);
    expect(await screen.findAllByTestId('run-row')).toHaveLength(2);
  });

  it('opens a run: summary, inputs, error and the node trace', async () => {
    mockApi();
    renderRuns('/runs?status=failed');
    await userEvent.click(await screen.findByRole('link', { name: /Run f0000000, failed, FAQ bot/ }));

    expect(await screen.findByTestId('run-status')).toHaveTextContent('failed');
    expect(screen.getByTestId('location')).toHaveTextContent(`/runs/${FAILED.id}`);
    expect(screen.getByTestId('run-app')).toHaveAttribute('href', '/apps/7');
    expect(screen.getByTestId('run-label')).toHaveTextContent('production');
    expect(screen.getByTestId('run-key')).toHaveTextContent('backend · lsk_ab12cd34…');
    expect(screen.getByTestId('run-error')).toHaveTextContent('The model said no. provider_error in Ask the model');
    expect(screen.getByRole('region', { name: 'Inputs' })).toHaveTextContent('Where is the office?');
    expect(screen.getByTestId('trace-start')).toHaveTextContent('Start');
    const ask = screen.getByTestId('trace-ask');
    expect(ask).toHaveAttribute('data-status', 'failed');

    await userEvent.click(within(ask).getByRole('button', { name: /Ask the model/ }));
    expect(within(ask).getByRole('alert')).toHaveTextContent('The model said no. (provider_error)');

    await userEvent.click(screen.getByRole('link', { name: '← Runs' }));
    expect(screen.getByTestId('location')).toHaveTextContent('/runs?status=failed');
  });
});
