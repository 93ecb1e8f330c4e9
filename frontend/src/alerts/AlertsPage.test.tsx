import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TEST_SESSION, jsonResponse, renderWithShell } from '../test/render';
import { AlertsPage } from './AlertsPage';
import type { AlertRule, FiredAlert } from './api';

const RULE: AlertRule = {
  id: 7,
  name: 'Support bot errors',
  metric: 'error_rate',
  metric_label: 'Error rate',
  app_id: 3,
  app_name: 'Support bot',
  comparison: 'above',
  threshold: 0.2,
  window_minutes: 15,
  min_runs: 20,
  evaluator: null,
  webhook_url: 'https://hooks.example.test/a?token=s3cret',
  has_webhook: true,
  emails: [],
  send_email: true,
  enabled: true,
  firing: true,
  last_evaluated_at: '2026-12-05T10:01:00Z',
  last_value: 0.6,
  last_error: '',
  monitoring_url: '/monitoring/w/1/performance',
};

const FIRING: FiredAlert = {
  id: 11,
  rule_id: 7,
  rule_name: 'Support bot errors',
  metric: 'error_rate',
  app_name: 'Support bot',
  comparison: 'above',
  threshold: 0.2,
  status: 'firing',
  window: { start: '2026-12-05T09:45:00Z', end: '2026-12-05T10:00:00Z' },
  value: 0.5,
  latest_value: 0.6,
  latest_at: '2026-12-05T10:01:00Z',
  fired_at: '2026-12-05T10:00:00Z',
  resolved_at: null,
  resolved_value: null,
  deliveries: [
    { status: 'firing', channel: 'webhook', ok: false, error: 'The webhook answered HTTP 500.', at: '2026-12-05T10:00:00Z' },
    { status: 'firing', channel: 'email', ok: true, error: '', at: '2026-12-05T10:00:00Z' },
  ],
  monitoring_url: '/monitoring/w/1/performance',
};

const RESOLVED: FiredAlert = { ...FIRING, id: 10, status: 'resolved', resolved_at: '2026-12-04T08:00:00Z', resolved_value: 0.1, deliveries: [] };

type Answer = (method: string, url: string, body: unknown) => Response | undefined;

function mockApi(answer: Answer = () => undefined) {
  const calls: { method: string; url: string; body: unknown }[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init: RequestInit = {}) => {
      const method = init.method ?? 'GET';
      const body = init.body ? JSON.parse(String(init.body)) : undefined;
      calls.push({ method, url, body });
      const custom = answer(method, url, body);
      if (custom) return custom;
      if (url.includes('/alerts/')) {
        const alerts = url.includes('status=firing') ? [FIRING] : url.includes('status=resolved') ? [RESOLVED] : [FIRING, RESOLVED];
        return jsonResponse(200, { count: alerts.length, results: alerts });
      }
      if (url.includes('/alert-rules/')) return jsonResponse(200, { count: 1, results: [RULE] });
      if (url.includes('/apps/')) return jsonResponse(200, { count: 1, results: [{ id: 3, name: 'Support bot' }] });
      return jsonResponse(404, { error: { code: 'not_found', message: 'Not found.', details: null } });
    }),
  );
  return calls;
}

describe('Alerts page', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('lists fired alerts, firing first, with value against threshold, window and a failed delivery', async () => {
    mockApi();
    renderWithShell(<AlertsPage />, { path: '/alerts' });
    const firing = await screen.findByTestId('alert-11');
    expect(within(firing).getByText('firing')).toBeInTheDocument();
    expect(firing).toHaveTextContent('50.0 % > 20.0 %');
    expect(firing).toHaveTextContent('now 60.0 %');
    expect(firing).toHaveTextContent('(15 min)');
    expect(firing).toHaveTextContent('still firing');
    expect(firing).toHaveTextContent('1 notification failed: webhook (firing): The webhook answered HTTP 500.');
    expect(within(firing).getByRole('link', { name: 'Support bot errors' })).toHaveAttribute('href', '/monitoring/w/1/performance');
    const rows = screen.getAllByTestId(/^alert-\d+$/);
    expect(rows.map((r) => r.dataset.testid)).toEqual(['alert-11', 'alert-10']);
    expect(screen.getByTestId('alert-10')).toHaveTextContent('at 10.0 %');
    expect(screen.getByText('1 firing')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Monitoring pages →' })).toHaveAttribute('href', '/monitoring/w/1/performance');
  });

  it('filters to resolved alerts', async () => {
    const calls = mockApi();
    renderWithShell(<AlertsPage />);
    await screen.findByTestId('alert-11');
    await userEvent.click(screen.getByRole('button', { name: 'Resolved' }));
    await waitFor(() => expect(screen.queryByTestId('alert-11')).not.toBeInTheDocument());
    expect(screen.getByTestId('alert-10')).toBeInTheDocument();
    expect(calls.some((c) => c.url.includes('/alerts/?limit=100&status=resolved'))).toBe(true);
  });

  it('creates a rule: the metric sets the unit, help and direction; rates are sent as shares', async () => {
    const calls = mockApi((method) => (method === 'POST' ? jsonResponse(201, RULE) : undefined));
    renderWithShell(<AlertsPage />);
    await screen.findByTestId('rule-7');
    const form = screen.getByRole('form', { name: 'New alert rule' });

    await userEvent.selectOptions(within(form).getByLabelText('Metric'), 'evaluator_pass_rate');
    expect(within(form).getByTestId('metric-help')).toHaveTextContent('judges the window\'s latest 50 answers');
    expect(within(form).getByLabelText('Alert when')).toHaveValue('below');
    await userEvent.type(within(form).getByLabelText('Name'), 'Answers cite settings');
    await userEvent.selectOptions(within(form).getByLabelText('App'), '3');
    await userEvent.clear(within(form).getByLabelText('Threshold (%)'));
    await userEvent.type(within(form).getByLabelText('Threshold (%)'), '80');
    await userEvent.click(within(form).getByLabelText('Evaluator (JSON)'));
    await userEvent.paste('{"type": "contains", "value": "Settings"}');
    await userEvent.type(within(form).getByLabelText('E-mail to (optional)'), 'oncall@example.test, ops@example.test');
    await userEvent.click(within(form).getByRole('button', { name: 'Add rule' }));

    await waitFor(() => expect(calls.find((c) => c.method === 'POST')).toBeDefined());
    expect(calls.find((c) => c.method === 'POST')).toMatchObject({
      url: '/api/workspaces/1/alert-rules/',
      body: {
        name: 'Answers cite settings',
        metric: 'evaluator_pass_rate',
        app_id: 3,
        comparison: 'below',
        threshold: 0.8,
        evaluator: { type: 'contains', value: 'Settings' },
        emails: ['oncall@example.test', 'ops@example.test'],
      },
    });
  });

  it('daily cost asks for dollars and no window', async () => {
    mockApi();
    renderWithShell(<AlertsPage />);
    const form = await screen.findByRole('form', { name: 'New alert rule' });
    await userEvent.selectOptions(within(form).getByLabelText('Metric'), 'daily_cost');
    expect(within(form).getByLabelText('Threshold ($)')).toBeInTheDocument();
    expect(within(form).queryByLabelText('Window (minutes)')).not.toBeInTheDocument();
    expect(within(form).getByTestId('metric-help')).toHaveTextContent('since midnight UTC');
  });

  it('shows the refusal of a private webhook address with its code', async () => {
    mockApi((method) =>
      method === 'POST'
        ? jsonResponse(400, {
            error: { code: 'url_not_allowed', message: 'The URL is not allowed: 10.0.0.5 is a private address.', details: { field: 'webhook_url' } },
          })
        : undefined,
    );
    renderWithShell(<AlertsPage />);
    const form = await screen.findByRole('form', { name: 'New alert rule' });
    await userEvent.type(within(form).getByLabelText('Name'), 'Errors');
    await userEvent.type(within(form).getByLabelText('Webhook URL (optional)'), 'http://10.0.0.5/hook');
    await userEvent.click(within(form).getByRole('button', { name: 'Add rule' }));
    expect(await screen.findByTestId('error-code')).toHaveTextContent('url_not_allowed');
  });

  it('tests a rule now and says whether it would fire', async () => {
    const calls = mockApi((method, url) =>
      method === 'POST' && url.endsWith('/test/')
        ? jsonResponse(200, {
            value: 0.25,
            would_fire: true,
            sample: 20,
            enough_data: true,
            min_runs: 20,
            window: FIRING.window,
            firing: false,
            deliveries: [],
          })
        : undefined,
    );
    renderWithShell(<AlertsPage />);
    const row = await screen.findByTestId('rule-7');
    await userEvent.click(within(row).getByRole('button', { name: 'Test' }));
    expect(await within(row).findByRole('status')).toHaveTextContent('Now: 25.0 % over 20 runs — would fire.');
    expect(calls.find((c) => c.url.endsWith('/alert-rules/7/test/'))?.body).toEqual({ notify: false });
  });

  it('edits a rule with its values filled in', async () => {
    const calls = mockApi((method) => (method === 'PATCH' ? jsonResponse(200, RULE) : undefined));
    renderWithShell(<AlertsPage />);
    const row = await screen.findByTestId('rule-7');
    await userEvent.click(within(row).getByRole('button', { name: 'Edit' }));
    const form = screen.getByRole('form', { name: 'Edit alert rule' });
    expect(within(form).getByLabelText('Threshold (%)')).toHaveValue('20');
    expect(within(form).getByLabelText('Webhook URL (optional)')).toHaveValue(RULE.webhook_url);
    await userEvent.clear(within(form).getByLabelText('Threshold (%)'));
    await userEvent.type(within(form).getByLabelText('Threshold (%)'), '35');
    await userEvent.click(within(form).getByRole('button', { name: 'Save rule' }));
    await waitFor(() => expect(calls.find((c) => c.method === 'PATCH')).toBeDefined());
    expect(calls.find((c) => c.method === 'PATCH')).toMatchObject({ url: '/api/workspaces/1/alert-rules/7/', body: { threshold: 0.35 } });
  });

  it('viewers read rules and alerts but get no form and no buttons', async () => {
    mockApi();
    renderWithShell(<AlertsPage />, { session: { ...TEST_SESSION, role: 'viewer' } });
    const row = await screen.findByTestId('rule-7');
    expect(within(row).queryByRole('button')).not.toBeInTheDocument();
    expect(screen.queryByRole('form')).not.toBeInTheDocument();
    expect(screen.getByTestId('alert-11')).toBeInTheDocument();
  });
});
