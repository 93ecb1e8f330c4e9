/** Test helpers for the web chat: a fetch stand-in whose streamed answers the test writes piece by
 * piece (and which honours AbortSignal like the real fetch); ratings are stored (201) unless refused. */
import { vi } from 'vitest';
import { jsonResponse } from '../test/render';

export interface StreamedAnswer {
  delta: (text: string) => void;
  finish: (answer?: string) => void;
  fail: (message: string) => void;
}

export interface FakeGateway {
  calls: { method: string; url: string; body: Record<string, unknown> | undefined }[];
  /** Answers the next POST .../chat with this status and error body instead of a stream. */
  refuseNext: (status: number, code: string, message: string, headers?: Record<string, string>) => void;
  /** Answers the next POST .../feedback with this status and error body. */
  refuseNextRating: (status: number, code: string, message: string, headers?: Record<string, string>) => void;
  /** The stream of the latest POST .../chat. */
  answer: () => StreamedAnswer;
}

export const INFO = { name: 'Helper', description: 'Answers questions about the office.', inputs: [], rate_limit_per_minute: 20 };

export function fakeGateway(info: unknown = INFO, infoStatus = 200): FakeGateway {
  const enc = new TextEncoder();
  const calls: FakeGateway['calls'] = [];
  const refusals: Response[] = [];
  const ratingRefusals: Response[] = [];
  let latest: StreamedAnswer | null = null;
  let answers = 0;
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init: RequestInit = {}) => {
      const method = init.method ?? 'GET';
      calls.push({ method, url, body: init.body ? JSON.parse(String(init.body)) : undefined });
      if (method === 'GET') return jsonResponse(infoStatus, info);
      if (url.endsWith('/feedback')) {
        const runId = decodeURIComponent(url.split('/').at(-2) ?? '');
        return ratingRefusals.shift() ?? jsonResponse(201, { run_id: runId, rating: calls.at(-1)?.body?.rating });
      }
      const refusal = refusals.shift();
      if (refusal) return refusal;
      const runId = `run-${++answers}`;
      let ctl!: ReadableStreamDefaultController<Uint8Array>;
      const stream = new ReadableStream<Uint8Array>({ start: (c) => void (ctl = c) });
      let n = 0;
      const send = (event: string, data: unknown) => ctl.enqueue(enc.encode(`id: ${++n}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`));
      init.signal?.addEventListener('abort', () => ctl.error(new DOMException('The operation was aborted.', 'AbortError')));
      latest = {
        delta: (text) => send('delta', { node_id: 'ask', text }),
        finish: (answer) => (send('run.finished', { run_id: runId, answer: answer ?? '', outputs: { answer } }), ctl.close()),
        fail: (message) => (send('run.failed', { run_id: runId, code: 'run_failed', message, cause: 'provider_error' }), ctl.close()),
      };
      return new Response(stream, { status: 200, headers: { 'Content-Type': 'text/event-stream' } });
    }),
  );
  const errorResponse = (status: number, code: string, message: string, headers: Record<string, string>) =>
    new Response(JSON.stringify({ error: { code, message, details: null } }), { status, headers: { 'Content-Type': 'application/json', ...headers } });
  return {
    calls,
    refuseNext: (status, code, message, headers = {}) => refusals.push(errorResponse(status, code, message, headers)),
    refuseNextRating: (status, code, message, headers = {}) => ratingRefusals.push(errorResponse(status, code, message, headers)),
    answer: () => {
      if (!latest) throw new Error('no chat request yet');
      return latest;
    },
  };
}
