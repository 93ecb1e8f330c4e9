import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { jsonResponse, renderWithShell } from '../test/render';
import { AppList, relativeTime } from './AppList';

const APP = {
  id: 7,
  name: 'Support bot',
  slug: 'support-bot',
  description: 'Answers tickets',
  status: 'draft',
  created_at: '2026-01-01T00:00:00Z',
  updated_at: new Date(Date.now() - 5 * 60_000).toISOString(),
  updated_by: 'ada',
  latest_version: 3,
  node_count: 5,
  live: null,
};

type Handler = (url: string, init: RequestInit) => Response | undefined;

function mockFetch(...handlers: Handler[]) {
  const fn = vi.fn(async (url: string, init: RequestInit = {}) => {
    for (const h of handlers) {
      const r = h(url, init);
      if (r) return r;
    }
    return jsonResponse(404, { error: { code: 'not_found', message: `no mock for ${url}` } });
  });
  vi.stubGlobal('fetch', fn);
  return fn;
}

const listHandler: Handler = (url, init) =>
  url.startsWith('/api/workspaces/1/apps/?') && (init.method ?? 'GET') === 'GET' ? jsonResponse(200, { count: 1, results: [APP] }) : undefined;

describe('Apps list', () => {
  beforeEach(() => vi.useRealTimers());
  afterEach(() => vi.unstubAllGlobals());

  it('lists apps with their status, size, version and last edit', async () => {
    mockFetch(listHandler);
    renderWithShell(<AppList workspaceId="1" canEdit />);
    const card = await screen.findByTestId('app-7');
    expect(within(card).getByRole('link', { name: 'Support bot' })).toHaveAttribute('href', '/apps/7');
    expect(card).toHaveTextContent('Draft');
    expect(card).toHaveTextContent('5 nodes');
    expect(card).toHaveTextContent('v3');
    expect(card).toHaveTextContent('edited 5 min ago by ada');
  });

  it('asks before deleting, and deletes only after the confirmation', async () => {
    const fetchMock = mockFetch(listHandler, (_url, init) => (init.method === 'DELETE' ? new Response(null, { status: 204 }) : undefined));
    renderWithShell(<AppList workspaceId="1" canEdit />);
    await userEvent.click(await screen.findByRole('button', { name: 'Delete Support bot' }));
    const dialog = screen.getByRole('alertdialog', { name: /Delete “Support bot”/ });
    expect(fetchMock.mock.calls.some(([, i]) => (i as RequestInit)?.method === 'DELETE')).toBe(false);
    await userEvent.click(within(dialog).getByRole('button', { name: 'Delete app' }));
    await waitFor(() =>
      expect(fetchMock.mock.calls.some(([u, i]) => u === '/api/workspaces/1/apps/7/' && (i as RequestInit)?.method === 'DELETE')).toBe(true),
    );
  });

  it('shows the import report (dry run) before anything is created, with unmapped nodes', async () => {
    const report = {
      format: 'dify',
      name: 'Imported bot',
      graph: { nodes: [{ id: 'start' }, { id: 'llm' }], edges: [] },
      issues: [],
      unmapped: [{ id: 'x1', title: 'Web scraper', type: 'tool', reason: 'Tool provider not available' }],
      warnings: [],
    };
    const fetchMock = mockFetch(listHandler, (url, init) => {
      if (url === '/api/workspaces/1/apps/import/?dry_run=1') return jsonResponse(200, report);
      if (url === '/api/workspaces/1/apps/import/' && init.method === 'POST') return jsonResponse(201, { app: { ...APP, id: 9 }, report });
      return undefined;
    });
    renderWithShell(<AppList workspaceId="1" canEdit />);
    const file = new File(['kind: app\nworkflow: {}'], 'bot.yml', { type: 'text/yaml' });
    await userEvent.upload(await screen.findByTestId('import-file'), file);

    const dialog = await screen.findByTestId('import-report');
    expect(await within(dialog).findByText('Dify DSL')).toBeInTheDocument();
    expect(within(dialog).getByText('Web scraper')).toBeInTheDocument();
    expect(within(dialog).getByText('Tool provider not available')).toBeInTheDocument();
    const creates = () => fetchMock.mock.calls.filter(([u]) => u === '/api/workspaces/1/apps/import/');
    expect(creates()).toHaveLength(0); // only the dry run so far

    await userEvent.click(within(dialog).getByRole('button', { name: 'Create app' }));
    await waitFor(() => expect(creates()).toHaveLength(1));
    const body = JSON.parse((creates()[0]![1] as RequestInit).body as string);
    expect(body).toEqual({ content: 'kind: app\nworkflow: {}', filename: 'bot.yml' });
  });
});

describe('what is live, on each card', () => {
  afterEach(() => vi.unstubAllGlobals());

  const apps = [
    { ...APP, id: 1, name: 'Never published' },
    {
      ...APP,
      id: 2,
      name: 'Live bot',
      status: 'published',
      live: { labels: [{ name: 'staging', version: 4 }, { name: 'production', version: 3 }], endpoint_enabled: true, draft_changed: false },
    },
    {
      ...APP,
      id: 3,
      name: 'Edited bot',
      status: 'published',
      live: { labels: [{ name: 'production', version: 1 }], endpoint_enabled: true, draft_changed: true },
    },
    {
      ...APP,
      id: 4,
      name: 'Switched off',
      status: 'published',
      live: { labels: [{ name: 'production', version: 2 }], endpoint_enabled: false, draft_changed: false },
    },
  ];

  it('says Published with each label and its version, draft changes and an endpoint turned off', async () => {
    mockFetch((url) => (url.startsWith('/api/workspaces/1/apps/?') ? jsonResponse(200, { count: 4, results: apps }) : undefined));
    renderWithShell(<AppList workspaceId="1" canEdit />);

    const status = async (id: number) => within(await screen.findByTestId(`app-${id}`)).getByTestId('live-status');
    expect(await status(1)).toHaveTextContent(/^Draft$/);
    expect(await status(2)).toHaveTextContent(/^Publishedproduction → v3staging → v4$/);
    expect(await status(3)).toHaveTextContent(/^Publishedproduction → v1Draft changes since publish$/);
    expect(await status(4)).toHaveTextContent(/^Publishedproduction → v2Endpoint off$/);
  });
});

describe('the import report', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('says the name the app will get when the file names an app that exists here', async () => {
    const report = { format: 'llmops', name: 'Support bot', app_name: 'Support bot (2)', graph: { nodes: [], edges: [] }, issues: [], unmapped: [], warnings: [] };
    mockFetch(listHandler, (url) => (url === '/api/workspaces/1/apps/import/?dry_run=1' ? jsonResponse(200, report) : undefined));
    renderWithShell(<AppList workspaceId="1" canEdit />);
    await userEvent.upload(await screen.findByTestId('import-file'), new File(['kind: app'], 'support-bot.yaml', { type: 'text/yaml' }));

    const name = await screen.findByTestId('import-app-name');
    expect(name).toHaveTextContent('Support bot (2) (an app named “Support bot” already exists here)');
  });

  it('names the nodes that need a model chosen, with the model the file named', async () => {
    const report = {
      format: 'dify',
      name: 'Support triage',
      graph: { nodes: [{ id: 'start' }, { id: 'classify' }, { id: 'answer_billing' }], edges: [] },
      issues: [
        { code: 'model_not_configured', message: 'model openai/gpt-4o-mini is not available', node_id: 'classify', edge_id: null, field: 'model', severity: 'error' },
        { code: 'model_not_configured', message: 'model openai/gpt-4o is not available', node_id: 'answer_billing', edge_id: null, field: 'model', severity: 'error' },
      ],
      unmapped: [],
      warnings: ["2 nodes need a model chosen: 'Classify' (openai/gpt-4o-mini), 'Billing answer' (openai/gpt-4o)."],
      needs_model: [
        { node_id: 'classify', title: 'Classify', field: 'model', provider: 'openai', model: 'gpt-4o-mini' },
        { node_id: 'answer_billing', title: 'Billing answer', field: 'model', provider: 'openai', model: 'gpt-4o' },
      ],
    };
    mockFetch(listHandler, (url) => (url === '/api/workspaces/1/apps/import/?dry_run=1' ? jsonResponse(200, report) : undefined));
    renderWithShell(<AppList workspaceId="1" canEdit />);
    await userEvent.upload(await screen.findByTestId('import-file'), new File(['kind: app'], 'triage.yml', { type: 'text/yaml' }));

    const section = await screen.findByTestId('import-needs-model');
    expect(within(section).getByRole('heading')).toHaveTextContent('2 nodes need a model chosen');
    expect(section).toHaveTextContent('ask the operator to configure the provider');
    const rows = within(section).getAllByRole('row').slice(1).map((r) => r.textContent);
    expect(rows).toEqual(['Classifyopenai/gpt-4o-mini', 'Billing answeropenai/gpt-4o']);
  });
});

describe('relativeTime', () => {
  it('reads like a person would say it', () => {
    const now = Date.parse('2026-05-01T12:00:00Z');
    expect(relativeTime('2026-05-01T11:59:50Z', now)).toBe('just now');
    expect(relativeTime('2026-05-01T09:00:00Z', now)).toBe('3 h ago');
    expect(relativeTime('2026-04-29T12:00:00Z', now)).toBe('2 days ago');
  });
});
