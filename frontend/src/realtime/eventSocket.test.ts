import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { asWebSocket, FakeWebSocket } from '../test/fakeWebSocket';
import { backoffDelay, EventSocket, websocketUrl, type ConnectionState } from './eventSocket';

const NO_JITTER = { initialDelay: 100, maxDelay: 1000, jitter: 0 };

describe('backoffDelay', () => {
  it('doubles per attempt and stops at the cap', () => {
    expect([0, 1, 2, 3, 4, 5].map((n) => backoffDelay(n, NO_JITTER))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it('spreads by at most the jitter fraction', () => {
    const opts = { initialDelay: 1000, maxDelay: 60_000, jitter: 0.2 };
    expect(backoffDelay(0, opts, () => 0)).toBe(800);
    expect(backoffDelay(0, opts, () => 1)).toBe(1200);
  });
});

describe('websocketUrl', () => {
  it('follows the page scheme', () => {
    expect(websocketUrl('/ws/x/', { protocol: 'https:', host: 'studio.example:8443' })).toBe(
      'wss://studio.example:8443/ws/x/',
    );
    expect(websocketUrl('/ws/x/', { protocol: 'http:', host: 'localhost:8000' })).toBe('ws://localhost:8000/ws/x/');
  });
});

describe('EventSocket', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    FakeWebSocket.reset();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  function start() {
    const states: ConnectionState[] = [];
    const messages: unknown[] = [];
    const socket = new EventSocket({
      url: 'ws://test/ws/workspaces/1/events/',
      onMessage: (m) => messages.push(m),
      onStateChange: (s) => states.push(s),
      backoff: NO_JITTER,
      WebSocketImpl: asWebSocket,
    });
    socket.start();
    return { socket, states, messages };
  }

  it('delivers parsed JSON messages and skips malformed ones', () => {
    const { messages } = start();
    FakeWebSocket.last.serverOpen();
    FakeWebSocket.last.serverSend({ type: 'job.progress', job: { id: 1 } });
    FakeWebSocket.last.serverSend('not json');
    expect(messages).toEqual([{ type: 'job.progress', job: { id: 1 } }]);
  });

  it('reconnects with growing delays after drops, and resets after a good connection', () => {
    const { states } = start();
    expect(FakeWebSocket.instances).toHaveLength(1);

    FakeWebSocket.last.serverDrop(); // never opened: retry after 100 ms
    vi.advanceTimersByTime(99);
    expect(FakeWebSocket.instances).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(FakeWebSocket.instances).toHaveLength(2);

    FakeWebSocket.last.serverDrop(); // second failure: 200 ms
    vi.advanceTimersByTime(199);
    expect(FakeWebSocket.instances).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(FakeWebSocket.instances).toHaveLength(3);

    FakeWebSocket.last.serverOpen();
    expect(states.at(-1)).toBe('open');

    FakeWebSocket.last.serverDrop(); // after a success the delay starts over
    expect(states.at(-1)).toBe('reconnecting');
    vi.advanceTimersByTime(100);
    expect(FakeWebSocket.instances).toHaveLength(4);
    expect(FakeWebSocket.last.url).toBe('ws://test/ws/workspaces/1/events/');
  });

  it('does not reconnect once stopped', () => {
    const { socket, states } = start();
    FakeWebSocket.last.serverOpen();
    socket.stop();
    expect(FakeWebSocket.last.closed).toBe(true);
    vi.advanceTimersByTime(10_000);
    expect(FakeWebSocket.instances).toHaveLength(1);
    expect(states.at(-1)).toBe('closed');
  });

  it('retryNow skips the wait', () => {
    const { socket } = start();
    FakeWebSocket.last.serverDrop();
    socket.retryNow();
    expect(FakeWebSocket.instances).toHaveLength(2);
    vi.advanceTimersByTime(10_000);
    expect(FakeWebSocket.instances).toHaveLength(2); // the pending timer was cancelled
  });
});
