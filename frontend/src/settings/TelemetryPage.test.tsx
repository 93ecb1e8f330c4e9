import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { jsonResponse, renderWithShell } from '../test/render';
import { TelemetryPage } from './TelemetryPage';
import type { TelemetryTarget } from './telemetry';

const TARGET: TelemetryTarget = {
  endpoint: 'https://collector.example.test:4318/v1/traces',
  headers: [{ name: 'Authorization', hint: '…7d3f' }],
  enabled: true,
  sources: ['api', 'chat', 'web'],
  include_content: true,
  pending_runs: 2,
  exported_runs: 40,
  exported_spans: 120,
  failed_attempts: 1,
  last_attempt_at: '2026-01-01T10:00:00Z',
  last_success_at: '2026-01-01T09:00:00Z',
  last_error_at: '2026-01-01T10:00:00Z',
  last_error_code: 'collector_error',
  last_error_message: 'The collector failed (HTTP 500); it is tried again next time.',
};

function mockApi(answer: (method: string, url: string, body: unknown) => Response) {
  const calls: { method: string; url: string; body: unknown }[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init: RequestInit = {}) => {
      const method = init.method ?? 'GET';
      const body = init.body ? JSON.parse(String(init.body)) : undefined;
      calls.push({ method, url, body });
      return answer(method, url, body);
    }),
  );
  return calls;
}

describe('Telemetry export page', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('shows the status, the error and only a hint of a header value', async () => {
    mockApi(() => jsonResponse(200, TARGET));
    renderWithShell(<TelemetryPage />);

    const status = await screen.findByTestId('telemetry-status');
    expect(status).toHaveTextContent('40 runs (120 spans) sent · 2 waiting');
    expect(screen.getByRole('alert')).toHaveTextContent('HTTP 500');
    const value = screen.getByLabelText('Header 1 value');
    expect(value).toHaveValue('');
    expect(value).toHaveAttribute('placeholder', expect.stringContaining('…7d3f'));
  });

  it('saves a new endpoint with a header, keeping a stored value that was not retyped', async () => {
    const calls = mockApi((method, _url, body) =>
      method === 'PUT' ? jsonResponse(200, { ...TARGET, ...(body as object), headers: TARGET.headers }) : jsonResponse(200, TARGET),
    );
    renderWithShell(<TelemetryPage />);
    await screen.findByTestId('telemetry-status');

    await userEvent.click(screen.getByRole('button', { name: 'Add header' }));
    await userEvent.type(screen.getByLabelText('Header 2 name'), 'X-Team');
    await userEvent.type(screen.getByLabelText('Header 2 value'), 'blue');
    await userEvent.click(screen.getByLabelText('Debug runs'));
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));

    await screen.findByText('Saved.');
    expect(calls.find((c) => c.method === 'PUT')).toMatchObject({
      url: '/api/workspaces/1/telemetry/',
      body: {
        endpoint: TARGET.endpoint,
        headers: [{ name: 'Authorization' }, { name: 'X-Team', value: 'blue' }],
        sources: ['api', 'chat', 'web', 'debug'],
      },
    });
  });

  it('sends a test span and says how it went', async () => {
    mockApi((method) =>
      method === 'POST'
        ? jsonResponse(200, { ok: false, code: 'auth_failed', message: 'The collector refused the request (HTTP 401).', attempts: 1, latency_ms: 12 })
        : jsonResponse(200, TARGET),
    );
    renderWithShell(<TelemetryPage />);
    await userEvent.click(await screen.findByRole('button', { name: 'Send test span' }));
    expect(await screen.findByRole('status')).toHaveTextContent('Failed: The collector refused the request (HTTP 401).');
  });

  it('offers an empty form when nothing is exported yet', async () => {
    mockApi(() => jsonResponse(404, { error: { code: 'telemetry_target_not_found', message: 'none', details: null } }));
    renderWithShell(<TelemetryPage />);
    await waitFor(() => expect(screen.getByLabelText('Endpoint')).toHaveValue(''));
    expect(screen.queryByRole('button', { name: 'Send test span' })).not.toBeInTheDocument();
    expect(screen.getByLabelText('API')).toBeChecked();
  });
});
