/**
 * A small fetch wrapper for the platform's REST API.
 *
 * - Sends cookies (same-origin) and, on unsafe methods, the CSRF token in the
 *   X-CSRFToken header.
 * - Sends and parses JSON.
 * - Turns every failure into an ApiError: the platform's error shape
 *   {"error": {"code", "message", "details"}} when the server sent one, and a
 *   readable fallback otherwise (HTML error pages, network failures).
 */

let csrfToken = '';

/** Set once at boot from the page; falls back to Django's csrftoken cookie. */
export function setCsrfToken(token: string): void {
  csrfToken = token;
}

export function getCsrfToken(): string {
  if (csrfToken) return csrfToken;
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match?.[1] ? decodeURIComponent(match[1]) : '';
}

/** Whether `err` is the rejection of a request its AbortSignal stopped (not a failure to show). */
export function isAbortError(err: unknown): boolean {
  return err instanceof DOMException && err.name === 'AbortError';
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;

  constructor(status: number, code: string, message: string, details: unknown = null) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

interface ErrorBody {
  error: { code?: unknown; message?: unknown; details?: unknown };
}

function isErrorBody(body: unknown): body is ErrorBody {
  return (
    typeof body === 'object' &&
    body !== null &&
    'error' in body &&
    typeof (body as { error: unknown }).error === 'object' &&
    (body as { error: unknown }).error !== null
  );
}

/** Builds an ApiError from a response status and its (possibly non-JSON) body. */
export function toApiError(status: number, statusText: string, body: unknown): ApiError {
  if (isErrorBody(body)) {
    const { code, message, details } = body.error;
    return new ApiError(
      status,
      typeof code === 'string' && code ? code : `http_${status}`,
      typeof message === 'string' && message ? message : statusText || `Request failed (${status})`,
      details ?? null,
    );
  }
  const fallback = statusText ? `${status} ${statusText}` : `Request failed (${status})`;
  return new ApiError(status, `http_${status}`, `The server answered ${fallback}.`, body ?? null);
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface RequestOptions {
  method?: string;
  body?: unknown;
  signal?: AbortSignal;
}

export async function apiFetch<T>(url: string, options: RequestOptions = {}): Promise<T> {
  const method = (options.method ?? 'GET').toUpperCase();
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  if (!SAFE_METHODS.has(method)) headers['X-CSRFToken'] = getCsrfToken();

  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers,
      credentials: 'same-origin',
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
    });
  } catch (err) {
    if (isAbortError(err)) throw err;
    throw new ApiError(0, 'network_error', 'Could not reach the server. Check your connection and try again.');
  }

  const text = await response.text();
  let body: unknown = null;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = null;
    }
  }

  if (!response.ok) throw toApiError(response.status, response.statusText, body);
  return body as T;
}

/** A message fit to show a person, whatever was thrown. */
/** A multipart POST (file uploads), answered and failing like {@link apiFetch}. */
export async function apiPostForm<T>(url: string, form: FormData): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      body: form,
      credentials: 'same-origin',
      headers: { Accept: 'application/json', 'X-CSRFToken': getCsrfToken() },
    });
  } catch (err) {
    if (isAbortError(err)) throw err;
    throw new ApiError(0, 'network_error', 'Could not reach the server. Check your connection and try again.');
  }
  const text = await response.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  if (!response.ok) throw toApiError(response.status, response.statusText, body);
  return body as T;
}

export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof Error) return err.message;
  return 'Something went wrong.';
}
