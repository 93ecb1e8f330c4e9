import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, apiFetch, setCsrfToken, toApiError } from './client';

function jsonResponse(status: number, body: unknown, statusText = ''): Response {
  return new Response(JSON.stringify(body), {
    status,
    statusText,
    headers: { 'Content-Type': 'application/json' },
  });
}

describe('apiFetch', () => {
  afterEach(() => {
    setCsrfToken('');
    vi.unstubAllGlobals();
  });

  it('sends JSON, the CSRF header and same-origin credentials on a POST', async () => {
    setCsrfToken('tok-123');
    const fetchMock = vi.fn().mockResolvedValue(jsonResponse(201, { id: 7 }));
    vi.stubGlobal('fetch', fetchMock);

    const result = await apiFetch<{ id: number }>('/api/things/', { method: 'POST', body: { kind: 'ping' } });

    expect(result).toEqual({ id: 7 });
    const [url, init] = fetchMock.mock.calls[0] as [string, RequestInit];
    expect(url).toBe('/api/things/');
    expect(init.method).toBe('POST');
    expect(init.credentials).toBe('same-origin');
    expect(init.body).toBe('{"kind":"ping"}');
    expect(init.headers).toMatchObject({ 'X-CSRFToken': 'tok-123', 'Content-Type': 'application/json' });
  });

  it('does not send the CSRF header on a GET', async () => {
    setCsrfToken('tok-123');
    const fetchMock = vi.fn().mockResolvedValue(jsonResponse(200, { results: [] }));
    vi.stubGlobal('fetch', fetchMock);

    await apiFetch('/api/workspaces/');

    const init = fetchMock.mock.calls[0]?.[1] as RequestInit;
    expect(init.headers).not.toHaveProperty('X-CSRFToken');
  });

  it("turns the platform's error shape into a typed ApiError", async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn().mockResolvedValue(
        jsonResponse(400, {
          error: { code: 'validation_error', message: 'Kind is not known.', details: { kind: ['Unknown kind.'] } },
        }),
      ),
    );

    const err = await apiFetch('/api/x/', { method: 'POST', body: {} }).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({
      status: 400,
      code: 'validation_error',
      message: 'Kind is not known.',
      details: { kind: ['Unknown kind.'] },
    });
  });

  it('gives a readable ApiError for a non-JSON error page', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn().mockResolvedValue(new Response('<h1>Server Error</h1>', { status: 502, statusText: 'Bad Gateway' })),
    );

    const err = await apiFetch('/api/x/').catch((e: unknown) => e);

    expect(err).toMatchObject({ status: 502, code: 'http_502', message: 'The server answered 502 Bad Gateway.' });
  });

  it('reports a network failure as an ApiError', async () => {
    vi.stubGlobal('fetch', vi.fn().mockRejectedValue(new TypeError('Failed to fetch')));

    const err = await apiFetch('/api/x/').catch((e: unknown) => e);

    expect(err).toMatchObject({ status: 0, code: 'network_error' });
  });
});

describe('toApiError', () => {
  it('fills a missing code and message from the HTTP status', () => {
    const err = toApiError(403, 'Forbidden', { error: {} });
    expect(err.code).toBe('http_403');
    expect(err.message).toBe('Forbidden');
  });
});
