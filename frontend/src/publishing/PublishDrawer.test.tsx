import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Issue } from '../apps/types';
import { jsonResponse, renderWithShell } from '../test/render';
import { PublishDrawer } from './PublishDrawer';
import type { PublishingState } from './types';
import { usePublish } from './usePublish';

const BASE = '/api/workspaces/1/apps/7';
const UNPUBLISHED: PublishingState = { published: false, enabled: false, production_version: null, latest_version: null, first_published_at: null, labels: [] };
const label = (name: string, version: number) => ({ name, version, updated_at: '2026-01-01T12:00:00Z', updated_by: 'ada' });
const LIVE_V2: PublishingState = { published: true, enabled: true, production_version: 2, latest_version: 2, first_published_at: '2026-01-01T10:00:00Z', labels: [label('production', 2)] };
const ENDPOINT = {
  base_url: 'http://host/v1',
  run_url: 'http://host/v1/apps/greeter/run',
  chat_completions_url: 'http://host/v1/chat/completions',
  model: 'greeter',
  example_inputs: { name: 'Hello' },
  snippets: { curl: 'curl http://host/v1/apps/greeter/run', curl_stream: 'curl -N', python_openai: 'from openai import OpenAI', javascript_sse: 'await fetch()' },
  state: LIVE_V2,
};
const MOVES = [
  { label: 'production', kind: 'publish', from_version: 1, to_version: 2, moved_by: 'ada', moved_at: '2026-01-01T11:00:00Z' },
  { label: 'production', kind: 'publish', from_version: null, to_version: 1, moved_by: 'ada', moved_at: '2026-01-01T10:00:00Z' },
];

type Route = [method: string, url: string | RegExp, respond: (body: unknown) => Response];

function mockApi(routes: Route[]) {
  const calls: { method: string; url: string; body: unknown }[] = [];
  const fn = vi.fn(async (url: string, init: RequestInit = {}) => {
    const method = init.method ?? 'GET';
    const body = init.body ? JSON.parse(String(init.body)) : undefined;
    calls.push({ method, url, body });
    for (const [m, u, respond] of routes) {
      if (m === method && (typeof u === 'string' ? url === u : u.test(url))) return respond(body);
    }
    return jsonResponse(404, { error: { code: 'not_found', message: `no mock for ${method} ${url}` } });
  });
  vi.stubGlobal('fetch', fn);
  return calls;
}

function Harness({ issues = [], onFocusIssue = () => undefined, onOpenRun = () => undefined }: { issues?: Issue[]; onFocusIssue?: (i: Issue) => void; onOpenRun?: (id: string) => void }) {
  const pub = usePublish('1', '7', issues, async () => true);
  return (
    <>
      <button type="button" onClick={() => void pub.publish()}>
        Publish
      </button>
      <PublishDrawer workspaceId="1" appId="7" canEdit pub={pub} nodeTitle={(id) => `Node ${id}`} onFocusIssue={onFocusIssue} onOpenRun={onOpenRun} onClose={() => undefined} />
    </>
  );
}

const common = (state: PublishingState): Route[] => [
  ['GET', `${BASE}/publish/`, () => jsonResponse(200, state)],
  ['GET', `${BASE}/publish/endpoint/`, () => jsonResponse(200, ENDPOINT)],
  ['GET', /\/labels\/audit\//, () => jsonResponse(200, { results: state.labels.length ? MOVES : [] })],
  ['GET', /\/versions\//, () => jsonResponse(200, { results: state.labels.length ? [{ number: 2 }, { number: 1 }] : [] })],
];

describe('Publish panel', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('refuses to publish while the checklist has issues and points at them', async () => {
    const calls = mockApi(common(UNPUBLISHED));
    const focus = vi.fn();
    const issue: Issue = { code: 'unreachable', message: 'Nothing reaches this node.', node_id: 'answer', edge_id: null, field: null };
    renderWithShell(<Harness issues={[issue]} onFocusIssue={focus} />);
    await userEvent.click(screen.getByRole('button', { name: 'Publish' }));

    const blocked = await screen.findByTestId('publish-blocked');
    expect(blocked).toHaveTextContent('fix the 1 issue in the Checklist first');
    await userEvent.click(within(blocked).getByRole('button', { name: 'Node answer' }));
    expect(focus).toHaveBeenCalledWith(issue);
    expect(calls.some((c) => c.method === 'POST')).toBe(false);
  });

  it('publishes in one click and shows the endpoint URL', async () => {
    const calls = mockApi([['POST', `${BASE}/publish/`, () => jsonResponse(201, LIVE_V2)], ...common(UNPUBLISHED)]);
    renderWithShell(<Harness />);
    expect(await screen.findByText('Not published yet')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Publish' }));

    const success = await screen.findByTestId('publish-success');
    expect(success).toHaveTextContent('Published v2');
    expect(within(success).getByTestId('publish-success-url')).toHaveTextContent('http://host/v1/apps/greeter/run');
    expect(screen.getByTestId('publish-state')).toHaveTextContent('Live · v2');
    expect(calls.filter((c) => c.method === 'POST')).toEqual([{ method: 'POST', url: `${BASE}/publish/`, body: { message: '' } }]);
  });

  it('a server-side refusal (409 app_invalid) lists the issues it sent, each pointing at its node', async () => {
    const issue: Issue = {
      code: 'model_not_configured',
      message: "model openai/gpt-4o is not available: model provider 'openai' is not configured here.",
      node_id: 'llm',
      edge_id: null,
      field: 'model',
      severity: 'error',
    };
    const focus = vi.fn();
    mockApi([
      ['POST', `${BASE}/publish/`, () => jsonResponse(409, { error: { code: 'app_invalid', message: 'The app cannot go live: 1 problem to fix first.', details: { issues: [issue], warnings: [] } } })],
      ...common(UNPUBLISHED),
    ]);
    renderWithShell(<Harness onFocusIssue={focus} />);
    await userEvent.click(screen.getByRole('button', { name: 'Publish' }));

    const blocked = await screen.findByTestId('publish-blocked');
    expect(blocked).toHaveTextContent('Not published: fix the 1 issue in the Checklist first.');
    expect(blocked).toHaveTextContent("model openai/gpt-4o is not available: model provider 'openai' is not configured here.");
    expect(screen.queryByText('The app cannot go live: 1 problem to fix first.')).not.toBeInTheDocument(); // not a generic error
    await userEvent.click(within(blocked).getByRole('button', { name: 'Node llm' }));
    expect(focus).toHaveBeenCalledWith(issue);
  });

  it('warnings do not stop publishing, and the ones the server returns are shown with the success', async () => {
    const warning: Issue = { code: 'model_not_listed', message: 'model remote/other is not one of the models offered', node_id: 'llm', edge_id: null, field: 'model', severity: 'warning' };
    const calls = mockApi([['POST', `${BASE}/publish/`, () => jsonResponse(201, { ...LIVE_V2, warnings: [warning] })], ...common(UNPUBLISHED)]);
    renderWithShell(<Harness issues={[warning]} />);
    await userEvent.click(screen.getByRole('button', { name: 'Publish' }));

    const success = await screen.findByTestId('publish-success');
    expect(success).toHaveTextContent('Published v2');
    expect(within(success).getByTestId('publish-warnings')).toHaveTextContent('Published with 1 warning:');
    expect(within(success).getByTestId('publish-warnings')).toHaveTextContent('model remote/other is not one of the models offered');
    expect(screen.queryByTestId('publish-blocked')).not.toBeInTheDocument();
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(1);
  });

  it('rolls production back in one click after a confirmation', async () => {
    let state = LIVE_V2;
    const calls = mockApi([
      ['POST', `${BASE}/labels/production/rollback/`, () => ((state = { ...LIVE_V2, production_version: 1, labels: [label('production', 1)] }), jsonResponse(200, label('production', 1)))],
      ['GET', `${BASE}/publish/`, () => jsonResponse(200, state)],
      ...common(LIVE_V2).slice(1),
    ]);
    renderWithShell(<Harness />);
    await userEvent.click(await screen.findByRole('button', { name: '↶ Roll back to v1' }));
    await userEvent.click(screen.getByRole('button', { name: 'Confirm rollback' }));

    await waitFor(() => expect(screen.getByTestId('label-production-version')).toHaveTextContent('v1'));
    expect(screen.getByTestId('publish-notice')).toHaveTextContent('Rolled production back to v1.');
    expect(calls.filter((c) => c.method === 'POST').map((c) => c.url)).toEqual([`${BASE}/labels/production/rollback/`]);
  });

  it('turning the endpoint off asks first, then PATCHes enabled=false', async () => {
    const calls = mockApi([['PATCH', `${BASE}/publish/`, () => jsonResponse(200, { ...LIVE_V2, published: false, enabled: false })], ...common(LIVE_V2)]);
    renderWithShell(<Harness />);
    const toggle = await screen.findByRole('switch', { name: 'Endpoint enabled' });
    expect(toggle).toHaveAttribute('aria-checked', 'true');
    await userEvent.click(toggle);
    await userEvent.click(screen.getByRole('button', { name: 'Turn off' }));
    await waitFor(() => expect(screen.getByRole('switch', { name: 'Endpoint enabled' })).toHaveAttribute('aria-checked', 'false'));
    expect(calls.find((c) => c.method === 'PATCH')?.body).toEqual({ enabled: false });
  });

  it('creates a key scoped to the app, shows its secret once and puts it in the snippets', async () => {
    const created = { id: 3, name: 'backend', prefix: 'ab12cd34', scope: 'app', app_id: 7, app_slug: 'greeter', rate_limit_per_minute: 60, created_at: '2026-01-01T12:00:00Z', created_by: 'ada', last_used_at: null, revoked_at: null };
    let keys: unknown[] = [];
    const calls = mockApi([
      ['POST', '/api/workspaces/1/api-keys/', () => ((keys = [created]), jsonResponse(201, { ...created, secret: 'lsk_ab12cd34_SECRET' }))],
      ['GET', /\/api-keys\/\?/, () => jsonResponse(200, { results: keys })],
      ['DELETE', '/api/workspaces/1/api-keys/3/', () => ((keys = [{ ...created, revoked_at: '2026-01-01T12:01:00Z' }]), jsonResponse(200, keys[0]))],
      ...common(LIVE_V2),
    ]);
    renderWithShell(<Harness />);
    await userEvent.click(screen.getByRole('tab', { name: 'API keys' }));
    await userEvent.type(screen.getByLabelText('Key name'), 'backend');
    await userEvent.type(screen.getByLabelText('Requests per minute'), '60');
    await userEvent.click(screen.getByRole('button', { name: 'Create key' }));

    expect(await screen.findByTestId('api-key-secret')).toHaveTextContent('lsk_ab12cd34_SECRET');
    expect(screen.getByTestId('api-key-created')).toHaveTextContent('it will not be shown again');
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({ name: 'backend', app_id: 7, rate_limit_per_minute: 60 });
    expect(await screen.findByTestId('api-key-ab12cd34')).toHaveTextContent('lsk_ab12cd34…');

    await userEvent.click(screen.getByRole('button', { name: 'Use it in a snippet' }));
    expect(screen.getByTestId('snippet-key-setup')).toHaveTextContent("export LLMOPS_API_KEY='lsk_ab12cd34_SECRET'");
    await userEvent.click(screen.getByRole('tab', { name: 'Python (openai)' }));
    expect(screen.getByTestId('snippet-python')).toHaveTextContent('from openai import OpenAI');

    await userEvent.click(screen.getByRole('tab', { name: 'API keys' }));
    await userEvent.click(screen.getByRole('button', { name: 'Revoke backend' }));
    await userEvent.click(screen.getByRole('button', { name: 'Revoke key' }));
    await waitFor(() => expect(screen.getByTestId('api-key-ab12cd34')).toHaveTextContent('revoked'));
    expect(screen.queryByTestId('api-key-secret')).not.toBeInTheDocument();
  });

  it('lists API runs and opens one in the run drawer', async () => {
    const run = { id: 'r-1', source: 'chat', status: 'succeeded', version: 2, label: 'production', api_key: 'ab12cd34', end_user: '', inputs: {}, outputs: { answer: 'Hello, Ada!' }, error_code: '', tokens_in: 0, tokens_out: 0, cost: 0, latency_ms: 12.4, created_at: new Date().toISOString() };
    mockApi([['GET', /\/publish\/runs\/\?/, () => jsonResponse(200, { results: [run] })], ...common(LIVE_V2)]);
    const open = vi.fn();
    renderWithShell(<Harness onOpenRun={open} />);
    await userEvent.click(screen.getByRole('tab', { name: 'API runs' }));
    const row = await screen.findByTestId('api-run');
    expect(row).toHaveTextContent('production · v2');
    expect(row).toHaveTextContent('Hello, Ada!');
    expect(row).toHaveTextContent('12 ms');
    expect(row).toHaveTextContent('key lsk_ab12cd34…');
    await userEvent.click(row);
    expect(open).toHaveBeenCalledWith('r-1');
  });
});
