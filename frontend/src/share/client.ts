/**
 * The web chat's calls to the public gateway (no sign-in; the link's token is the credential):
 *
 *   GET  /v1/share/<token>       → {name, description, inputs, rate_limit_per_minute}
 *   POST /v1/share/<token>/chat  {messages, inputs, stream: true} → Server-Sent Events:
 *        `delta` {text}…, then `run.finished` {run_id, answer} or `run.failed` {message}
 *   POST /v1/share/<token>/runs/<run_id>/feedback  {rating: 'up' | 'down'} → 201 {run_id, rating}
 *
 * Failures become an ApiError with the gateway's code (`chat_not_found`, `rate_limited` with
 * `retryAfter`, `inputs_invalid`, `run_failed`, `feedback_given`, …) and a message fit to show a visitor.
 */
import { ApiError, isAbortError, toApiError } from '../api/client';

export interface ChatInput {
  name: string;
  type: 'string' | 'number' | 'boolean' | 'object' | 'array' | string;
  required: boolean;
  default: unknown;
  description: string;
}

export interface ChatInfo {
  name: string;
  description: string;
  inputs: ChatInput[];
  rate_limit_per_minute: number | null;
}

export interface ChatTurn {
  role: 'user' | 'assistant';
  content: string;
}

export interface ChatAnswer {
  runId: string | null;
  answer: string;
}

/** A visitor's verdict on an answer: thumbs up or thumbs down. */
export type Rating = 'up' | 'down';

export class ChatError extends ApiError {
  /** Seconds to wait before trying again (429 only). */
  readonly retryAfter: number | null;

  constructor(base: ApiError, retryAfter: number | null = null) {
    super(base.status, base.code, base.message, base.details);
    this.name = 'ChatError';
    this.retryAfter = retryAfter;
  }
}

const base = (token: string) => `/v1/share/${encodeURIComponent(token)}`;

async function failure(response: Response): Promise<ChatError> {
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  const header = Number(response.headers.get('Retry-After'));
  return new ChatError(toApiError(response.status, response.statusText, body), Number.isFinite(header) && header > 0 ? Math.ceil(header) : null);
}

function networkError(err: unknown): never {
  if (isAbortError(err)) throw err;
  throw new ChatError(new ApiError(0, 'network_error', 'Could not reach the chat. Check your connection and try again.'));
}

export async function getChatInfo(token: string, signal?: AbortSignal): Promise<ChatInfo> {
  let response: Response;
  try {
    response = await fetch(base(token), { headers: { Accept: 'application/json' }, signal });
  } catch (err) {
    networkError(err);
  }
  if (!response.ok) throw await failure(response);
  return (await response.json()) as ChatInfo;
}

export interface SseEvent {
  event: string;
  data: string;
}

/** Splits a Server-Sent Events body into events as the bytes arrive (comments are skipped). */
export async function* readSse(body: ReadableStream<Uint8Array>): AsyncGenerator<SseEvent> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true }).replace(/\r\n?/g, '\n');
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let event = 'message';
        const data: string[] = [];
        for (const line of block.split('\n')) {
          if (line.startsWith('event:')) event = line.slice(6).trim();
          else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
        }
        if (data.length) yield { event, data: data.join('\n') };
      }
    }
  } finally {
    reader.releaseLock();
  }
}

const VISITOR_KEY = 'llmops-chat-visitor';

/**
 * A random id this browser keeps for its visitor (localStorage), sent with each message: when the
 * app's production label splits its traffic between versions, the visitor stays on one of them.
 * Empty when the browser keeps nothing (the server then goes by the visitor's address).
 */
export function visitorId(): string {
  try {
    let id = window.localStorage.getItem(VISITOR_KEY);
    if (!id) {
      id = crypto.randomUUID();
      window.localStorage.setItem(VISITOR_KEY, id);
    }
    return id;
  } catch {
    return '';
  }
}

/**
 * Sends the conversation (the last message is the new question) and streams the answer:
 * `onDelta` gets each piece of text as it arrives. Resolves with the whole answer; rejects with a
 * ChatError (or an AbortError when `signal` stops it).
 */
export async function sendChat(
  token: string,
  body: { messages: ChatTurn[]; inputs: Record<string, unknown> },
  onDelta: (text: string) => void,
  signal?: AbortSignal,
): Promise<ChatAnswer> {
  let response: Response;
  try {
    response = await fetch(`${base(token)}/chat`, {
      method: 'POST',
      headers: { Accept: 'text/event-stream', 'Content-Type': 'application/json' },
      body: JSON.stringify({ ...body, stream: true, visitor: visitorId() }),
      signal,
    });
  } catch (err) {
    networkError(err);
  }
  if (!response.ok) throw await failure(response);
  if (!response.body) throw new ChatError(new ApiError(0, 'no_stream', 'The answer could not be read.'));
  let text = '';
  try {
    for await (const { event, data } of readSse(response.body)) {
      const payload = JSON.parse(data) as { text?: string; answer?: string; run_id?: string; message?: string; code?: string };
      if (event === 'delta' && payload.text) {
        text += payload.text;
        onDelta(payload.text);
      } else if (event === 'run.finished') {
        return { runId: payload.run_id ?? null, answer: text || payload.answer || '' };
      } else if (event === 'run.failed') {
        throw new ChatError(new ApiError(502, payload.code ?? 'run_failed', payload.message || 'The app could not answer.'));
      }
    }
  } catch (err) {
    if (err instanceof ChatError) throw err;
    networkError(err);
  }
  throw new ChatError(new ApiError(0, 'stream_ended', 'The answer was cut off. Try again.'));
}

/**
 * Rates an answer (the run that `run.finished` named). An answer takes one rating: a second one
 * rejects with a ChatError whose code is `feedback_given`.
 */
export async function rateAnswer(token: string, runId: string, rating: Rating, signal?: AbortSignal): Promise<void> {
  let response: Response;
  try {
    response = await fetch(`${base(token)}/runs/${encodeURIComponent(runId)}/feedback`, {
      method: 'POST',
      headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
      body: JSON.stringify({ rating }),
      signal,
    });
  } catch (err) {
    networkError(err);
  }
  if (!response.ok) throw await failure(response);
}
