/** Typed calls of the telemetry export API: the workspace's OTLP/HTTP target, a test span, export now. */
import { ApiError, apiFetch } from '../api/client';

export const SOURCES: readonly { value: string; label: string }[] = [
  { value: 'api', label: 'API' },
  { value: 'chat', label: 'Chat completions' },
  { value: 'web', label: 'Web chat' },
  { value: 'debug', label: 'Debug runs' },
  { value: 'node', label: 'Single-node runs' },
  { value: 'playground', label: 'Playground' },
  { value: 'experiment', label: 'Experiments' },
];

export interface TelemetryHeader {
  name: string;
  /** The value's last characters; the value itself never comes back. */
  hint: string;
}

export interface TelemetryTarget {
  endpoint: string;
  headers: TelemetryHeader[];
  enabled: boolean;
  sources: string[];
  include_content: boolean;
  pending_runs: number;
  exported_runs: number;
  exported_spans: number;
  failed_attempts: number;
  last_attempt_at: string | null;
  last_success_at: string | null;
  last_error_at: string | null;
  last_error_code: string;
  last_error_message: string;
}

/** A header as saved: without `value` the stored value is kept. */
export interface TelemetryHeaderInput {
  name: string;
  value?: string;
}

export interface TelemetryTargetInput {
  endpoint: string;
  headers: TelemetryHeaderInput[];
  enabled: boolean;
  sources: string[];
  include_content: boolean;
}

export interface Delivery {
  ok: boolean;
  code: string | null;
  message: string;
  attempts: number;
  latency_ms: number;
}

export interface ExportResult {
  runs: number;
  spans: number;
  busy: boolean;
  delivery: Delivery | null;
  target: TelemetryTarget;
}

const url = (workspaceId: string, tail = '') => `/api/workspaces/${encodeURIComponent(workspaceId)}/telemetry/${tail}`;

/** The target, or null when the workspace exports nothing yet. */
export async function getTarget(workspaceId: string, signal?: AbortSignal): Promise<TelemetryTarget | null> {
  try {
    return await apiFetch<TelemetryTarget>(url(workspaceId), { signal });
  } catch (err) {
    if (err instanceof ApiError && err.code === 'telemetry_target_not_found') return null;
    throw err;
  }
}

export function saveTarget(workspaceId: string, body: TelemetryTargetInput): Promise<TelemetryTarget> {
  return apiFetch<TelemetryTarget>(url(workspaceId), { method: 'PUT', body });
}

export function deleteTarget(workspaceId: string): Promise<void> {
  return apiFetch<void>(url(workspaceId), { method: 'DELETE' });
}

export function sendTestSpan(workspaceId: string): Promise<Delivery> {
  return apiFetch<Delivery>(url(workspaceId, 'test/'), { method: 'POST' });
}

export function exportNow(workspaceId: string): Promise<ExportResult> {
  return apiFetch<ExportResult>(url(workspaceId, 'export/'), { method: 'POST' });
}
