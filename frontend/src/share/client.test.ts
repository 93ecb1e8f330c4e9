import { afterEach, describe, expect, it, vi } from 'vitest';
import { ChatError, rateAnswer, readSse, sendChat, visitorId } from './client';
import { fakeGateway } from './testing';

function streamOf(...pieces: string[]): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  return new ReadableStream({
    start(ctl) {
      pieces.forEach((p) => ctl.enqueue(enc.encode(p)));
      ctl.close();
    },
  });
}

describe('web chat client', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('reads Server-Sent Events split anywhere across chunks, skipping comments', async () => {
    const events = [];
    for await (const e of readSse(streamOf('id: 1\nevent: del', 'ta\ndata: {"text":"Hel"}\n', '\n: keepalive\n\nevent: delta\r\ndata: {"text":"lo"}\r\n\r\n'))) events.push(e);
    expect(events).toEqual([
      { event: 'delta', data: '{"text":"Hel"}' },
      { event: 'delta', data: '{"text":"lo"}' },
    ]);
  });

  it('streams the answer piece by piece and sends the conversation', async () => {
    const gateway = fakeGateway();
    const pieces: string[] = [];
    const done = sendChat('tok123456', { messages: [{ role: 'user', content: 'Hi' }], inputs: {} }, (t) => pieces.push(t));
    await vi.waitFor(() => expect(gateway.calls).toHaveLength(1));
    gateway.answer().delta('Hel');
    gateway.answer().delta('lo!');
    gateway.answer().finish('Hello!');

    expect(await done).toEqual({ runId: 'run-1', answer: 'Hello!' });
    expect(pieces).toEqual(['Hel', 'lo!']);
    expect(gateway.calls[0]).toEqual({
      method: 'POST',
      url: '/v1/share/tok123456/chat',
      body: { messages: [{ role: 'user', content: 'Hi' }], inputs: {}, stream: true, visitor: visitorId() },
    });
  });

  it('sends the same visitor id with every message, so a split label keeps the visitor on one version', async () => {
    const gateway = fakeGateway();
    for (const [i, question] of ['Hi', 'Again'].entries()) {
      const done = sendChat('tok123456', { messages: [{ role: 'user', content: question }], inputs: {} }, () => undefined);
      await vi.waitFor(() => expect(gateway.calls).toHaveLength(i + 1));
      gateway.answer().finish('Hello!');
      await done;
    }
    const visitors = gateway.calls.map((c) => (c.body as { visitor: string }).visitor);
    expect(visitors[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Set(visitors).size).toBe(1);
  });

  it('a rate limit says how long to wait', async () => {
    const gateway = fakeGateway();
    gateway.refuseNext(429, 'rate_limited', 'Slow down.', { 'Retry-After': '7' });
    const error = await sendChat('tok123456', { messages: [{ role: 'user', content: 'Hi' }], inputs: {} }, () => undefined).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChatError);
    expect((error as ChatError).code).toBe('rate_limited');
    expect((error as ChatError).retryAfter).toBe(7);
  });

  it('a failed run rejects with its message', async () => {
    const gateway = fakeGateway();
    const done = sendChat('tok123456', { messages: [{ role: 'user', content: 'Hi' }], inputs: {} }, () => undefined).catch((e: unknown) => e);
    await vi.waitFor(() => expect(gateway.calls).toHaveLength(1));
    gateway.answer().fail('The model timed out.');
    const error = (await done) as ChatError;
    expect([error.code, error.message]).toEqual(['run_failed', 'The model timed out.']);
  });

  it('rates an answer by its run id; a second rating rejects with feedback_given', async () => {
    const gateway = fakeGateway();
    await rateAnswer('tok123456', 'run-1', 'down');
    gateway.refuseNextRating(409, 'feedback_given', 'This answer was already rated.');
    const again = await rateAnswer('tok123456', 'run-1', 'up').catch((e: unknown) => e);

    expect(gateway.calls[0]).toEqual({ method: 'POST', url: '/v1/share/tok123456/runs/run-1/feedback', body: { rating: 'down' } });
    expect(again).toBeInstanceOf(ChatError);
    expect([(again as ChatError).status, (again as ChatError).code]).toEqual([409, 'feedback_given']);
  });
});
