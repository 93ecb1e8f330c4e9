import { act, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setCsrfToken } from '../api/client';
import { FakeWebSocket } from '../test/fakeWebSocket';
import { jsonResponse } from '../test/render';
import { LiveEventsPanel } from './LiveEventsPanel';

const queued = { id: 42, kind: 'ping', status: 'queued', progress: 0, result: null, error: null };

describe('LiveEventsPanel', () => {
  beforeEach(() => {
    FakeWebSocket.reset();
    vi.stubGlobal('WebSocket', FakeWebSocket);
    setCsrfToken('csrf-abc');
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    setCsrfToken('');
  });

  it("connects to the workspace's event socket and shows the connection state", () => {
    render(<LiveEventsPanel workspaceId="1" />);
    expect(FakeWebSocket.last.url).toBe(`ws://${window.location.host}/ws/workspaces/1/events/`);
    expect(screen.getByTestId('connection-state')).toHaveTextContent('Connecting');

    act(() => FakeWebSocket.last.serverOpen());
    expect(screen.getByTestId('connection-state')).toHaveTextContent('Connected');

    act(() => FakeWebSocket.last.serverDrop());
    expect(screen.getByTestId('connection-state')).toHaveTextContent('Reconnecting');
  });

  it('starts a ping job and follows it to finished through socket events', async () => {
    const fetchMock = vi.fn().mockResolvedValue(jsonResponse(201, queued));
    vi.stubGlobal('fetch', fetchMock);
    render(<LiveEventsPanel workspaceId="1" />);
    act(() => FakeWebSocket.last.serverOpen());
    expect(screen.getByTestId('job-status')).toHaveTextContent('idle');

    await userEvent.click(screen.getByRole('button', { name: 'Run a test job' }));

    const [url, init] = fetchMock.mock.calls[0] as [string, RequestInit];
    expect(url).toBe('/api/workspaces/1/jobs/');
    expect(init).toMatchObject({ method: 'POST', credentials: 'same-origin', body: '{"kind":"ping"}' });
    expect(init.headers).toMatchObject({ 'X-CSRFToken': 'csrf-abc' });
    await waitFor(() => expect(screen.getByTestId('job-status')).toHaveTextContent('queued'));

    act(() => FakeWebSocket.last.serverSend({ type: 'job.progress', job: { ...queued, status: 'running', progress: 0.5 } }));
    expect(screen.getByTestId('job-status')).toHaveTextContent('running');
    expect(screen.getByRole('progressbar', { name: 'Job progress' })).toHaveAttribute('value', '50');

    act(() =>
      FakeWebSocket.last.serverSend({
        type: 'job.finished',
        job: { ...queued, status: 'succeeded', progress: 1, result: { pong: true } },
      }),
    );
    expect(screen.getByTestId('job-status')).toHaveTextContent('succeeded');
    expect(screen.getByTestId('job-result')).toHaveTextContent('"pong": true');
    expect(screen.getByRole('list', { name: 'Recent events' }).children).toHaveLength(2);
  });

  it('keeps an event that arrives before the POST answers', async () => {
    let answer: (r: Response) => void = () => undefined;
    vi.stubGlobal('fetch', vi.fn().mockReturnValue(new Promise<Response>((resolve) => (answer = resolve))));
    render(<LiveEventsPanel workspaceId="1" />);
    act(() => FakeWebSocket.last.serverOpen());

    await userEvent.click(screen.getByRole('button', { name: 'Run a test job' }));
    expect(screen.getByTestId('job-status')).toHaveTextContent('starting');
    act(() => FakeWebSocket.last.serverSend({ type: 'job.finished', job: { ...queued, status: 'succeeded' } }));
    await act(async () => answer(jsonResponse(201, queued)));

    await waitFor(() => expect(screen.getByTestId('job-status')).toHaveTextContent('succeeded'));
  });

  it('shows a failed job with its error', async () => {
    vi.stubGlobal('fetch', vi.fn().mockResolvedValue(jsonResponse(201, queued)));
    render(<LiveEventsPanel workspaceId="1" />);
    await userEvent.click(screen.getByRole('button', { name: 'Run a test job' }));
    await waitFor(() => expect(screen.getByTestId('job-status')).toHaveTextContent('queued'));

    act(() => FakeWebSocket.last.serverSend({ type: 'job.failed', job: { ...queued, status: 'failed', error: 'Boom' } }));

    expect(screen.getByTestId('job-status')).toHaveTextContent('failed');
    expect(screen.getByTestId('job-error')).toHaveTextContent('Boom');
  });

  it('shows the API error when the job cannot be started', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn().mockResolvedValue(
        jsonResponse(403, { error: { code: 'permission_denied', message: 'Viewers cannot start jobs.', details: null } }),
      ),
    );
    render(<LiveEventsPanel workspaceId="1" />);

    await userEvent.click(screen.getByRole('button', { name: 'Run a test job' }));

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Viewers cannot start jobs.');
    expect(alert).toHaveTextContent('permission_denied');
    expect(screen.getByTestId('job-status')).toHaveTextContent('idle');
  });
});
