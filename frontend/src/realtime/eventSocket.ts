/**
 * A websocket that stays connected: when the connection drops it reconnects
 * with exponential backoff (with jitter, capped), and it reports its state so
 * the UI can show it. Messages are parsed as JSON; anything else is ignored.
 */

export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface BackoffOptions {
  /** First retry delay in ms. */
  initialDelay: number;
  /** Upper bound of a retry delay in ms. */
  maxDelay: number;
  /** Fraction of random spread, 0 = none, 0.2 = ±20 %. */
  jitter: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialDelay: 500, maxDelay: 30_000, jitter: 0.2 };

/** Delay before retry number `attempt` (0-based). */
export function backoffDelay(attempt: number, opts: BackoffOptions = DEFAULT_BACKOFF, random = Math.random): number {
  const base = Math.min(opts.maxDelay, opts.initialDelay * 2 ** attempt);
  const spread = base * opts.jitter * (random() * 2 - 1);
  return Math.max(0, Math.round(Math.min(opts.maxDelay, base + spread)));
}

/** ws(s)://<this host><path>, matching the page's scheme. */
export function websocketUrl(path: string, loc: Pick<Location, 'protocol' | 'host'> = window.location): string {
  const scheme = loc.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${loc.host}${path}`;
}

export interface EventSocketOptions {
  url: string;
  onMessage: (data: unknown) => void;
  onStateChange?: (state: ConnectionState, retryInMs: number | null) => void;
  backoff?: BackoffOptions;
  /** Injected in tests. */
  WebSocketImpl?: typeof WebSocket;
}

export class EventSocket {
  private socket: WebSocket | null = null;
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;
  private readonly opts: EventSocketOptions;
  private readonly backoff: BackoffOptions;

  constructor(opts: EventSocketOptions) {
    this.opts = opts;
    this.backoff = opts.backoff ?? DEFAULT_BACKOFF;
  }

  start(): void {
    this.stopped = false;
    this.connect();
  }

  /** Closes for good; no reconnect. */
  stop(): void {
    this.stopped = true;
    this.clearRetry();
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      socket.onopen = socket.onmessage = socket.onclose = socket.onerror = null;
      socket.close(1000);
    }
    this.setState('closed', null);
  }

  /** Skips the remaining backoff wait (e.g. when the browser comes back online). */
  retryNow(): void {
    if (this.stopped || this.socket) return;
    this.clearRetry();
    this.connect();
  }

  private connect(): void {
    const Impl = this.opts.WebSocketImpl ?? WebSocket;
    this.setState(this.attempt === 0 ? 'connecting' : 'reconnecting', null);
    const socket = new Impl(this.opts.url);
    this.socket = socket;

    socket.onopen = () => {
      this.attempt = 0;
      this.setState('open', null);
    };
    socket.onmessage = (event: MessageEvent) => {
      if (typeof event.data !== 'string') return;
      let data: unknown;
      try {
        data = JSON.parse(event.data);
      } catch {
        return;
      }
      this.opts.onMessage(data);
    };
    // An error is always followed by close; reconnecting is handled there.
    socket.onerror = () => undefined;
    socket.onclose = () => {
      this.socket = null;
      if (this.stopped) return;
      this.scheduleRetry();
    };
  }

  private scheduleRetry(): void {
    const delay = backoffDelay(this.attempt, this.backoff);
    this.attempt += 1;
    this.setState('reconnecting', delay);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connect();
    }, delay);
  }

  private clearRetry(): void {
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  private setState(state: ConnectionState, retryInMs: number | null): void {
    this.opts.onStateChange?.(state, retryInMs);
  }
}
