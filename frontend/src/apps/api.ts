/** Typed calls of the flows API (apps, drafts, versions, runs, import/export). */
import { apiFetch, ApiError, getCsrfToken } from '../api/client';
import type { Paginated } from '../api/types';
import type {
  AppSummary,
  Draft,
  GraphDiff,
  GraphSpec,
  ImportReport,
  Issue,
  ModelOption,
  NodeTypeDef,
  Run,
  ToolOption,
  Trace,
  VersionDetail,
  VersionSummary,
} from './types';

type Id = number | string;

const ws = (workspaceId: Id) => `/api/workspaces/${encodeURIComponent(String(workspaceId))}`;
const app = (workspaceId: Id, appId: Id) => `${ws(workspaceId)}/apps/${encodeURIComponent(String(appId))}`;

export async function listApps(workspaceId: Id, search = '', signal?: AbortSignal): Promise<Paginated<AppSummary>> {
  const q = new URLSearchParams({ limit: '200' });
  if (search) q.set('search', search);
  return apiFetch(`${ws(workspaceId)}/apps/?${q}`, { signal });
}

export const createApp = (workspaceId: Id, name: string, description = '') =>
  apiFetch<AppSummary>(`${ws(workspaceId)}/apps/`, { method: 'POST', body: { name, description } });

export const getApp = (workspaceId: Id, appId: Id, signal?: AbortSignal) =>
  apiFetch<AppSummary>(`${app(workspaceId, appId)}/`, { signal });

export const updateApp = (workspaceId: Id, appId: Id, patch: { name?: string; description?: string }) =>
  apiFetch<AppSummary>(`${app(workspaceId, appId)}/`, { method: 'PATCH', body: patch });

export const deleteApp = (workspaceId: Id, appId: Id) =>
  apiFetch<void>(`${app(workspaceId, appId)}/`, { method: 'DELETE' });

export const duplicateApp = (workspaceId: Id, appId: Id) =>
  apiFetch<AppSummary>(`${app(workspaceId, appId)}/duplicate/`, { method: 'POST' });

export const getDraft = (workspaceId: Id, appId: Id, signal?: AbortSignal) =>
  apiFetch<Draft>(`${app(workspaceId, appId)}/draft/`, { signal });

export const saveDraft = (workspaceId: Id, appId: Id, graph: GraphSpec, revision: number) =>
  apiFetch<Draft>(`${app(workspaceId, appId)}/draft/`, { method: 'PUT', body: { graph, revision } });

export const validateGraph = (workspaceId: Id, appId: Id, graph: GraphSpec, signal?: AbortSignal) =>
  apiFetch<{ issues: Issue[] }>(`${app(workspaceId, appId)}/validate/`, { method: 'POST', body: { graph }, signal });

export async function listNodeTypes(signal?: AbortSignal): Promise<NodeTypeDef[]> {
  const body = await apiFetch<{ results: NodeTypeDef[] } | NodeTypeDef[]>('/api/node-types/', { signal });
  return Array.isArray(body) ? body : body.results;
}

export async function listModels(workspaceId: Id): Promise<ModelOption[]> {
  return (await apiFetch<{ results: ModelOption[] }>(`${ws(workspaceId)}/models/`)).results;
}

export async function listTools(workspaceId: Id): Promise<ToolOption[]> {
  return (await apiFetch<{ results: ToolOption[] }>(`${ws(workspaceId)}/tools/`)).results;
}

export async function listVersions(workspaceId: Id, appId: Id): Promise<VersionSummary[]> {
  return (await apiFetch<Paginated<VersionSummary>>(`${app(workspaceId, appId)}/versions/`)).results;
}

export const saveVersion = (workspaceId: Id, appId: Id, message: string) =>
  apiFetch<VersionSummary>(`${app(workspaceId, appId)}/versions/`, { method: 'POST', body: { message } });

export const getVersion = (workspaceId: Id, appId: Id, n: number) =>
  apiFetch<VersionDetail>(`${app(workspaceId, appId)}/versions/${n}/`);

export const restoreVersion = (workspaceId: Id, appId: Id, n: number) =>
  apiFetch<{ draft: Draft; backup: VersionSummary | null }>(`${app(workspaceId, appId)}/versions/${n}/restore/`, {
    method: 'POST',
  });

export const diffVersions = (workspaceId: Id, appId: Id, from: string, to: string) =>
  apiFetch<GraphDiff>(`${app(workspaceId, appId)}/diff/?${new URLSearchParams({ from, to })}`);

export const startRun = (workspaceId: Id, appId: Id, inputs: Record<string, unknown>, version: number | null = null) =>
  apiFetch<Run>(`${app(workspaceId, appId)}/runs/`, { method: 'POST', body: { inputs, version } });

export const startNodeRun = (workspaceId: Id, appId: Id, nodeId: string, variables: Record<string, unknown>) =>
  apiFetch<Run>(`${app(workspaceId, appId)}/nodes/${encodeURIComponent(nodeId)}/run/`, {
    method: 'POST',
    body: { variables },
  });

export async function listRuns(workspaceId: Id, appId: Id, limit = 20): Promise<Run[]> {
  return (await apiFetch<Paginated<Run>>(`${app(workspaceId, appId)}/runs/?limit=${limit}`)).results;
}

export const getRun = (workspaceId: Id, runId: string) =>
  apiFetch<Run & { traces: Trace[] }>(`${ws(workspaceId)}/runs/${encodeURIComponent(runId)}/`);

export const cancelRun = (workspaceId: Id, runId: string) =>
  apiFetch<Run>(`${ws(workspaceId)}/runs/${encodeURIComponent(runId)}/cancel/`, { method: 'POST' });

export const getLastRuns = (workspaceId: Id, appId: Id) =>
  apiFetch<Record<string, Trace>>(`${app(workspaceId, appId)}/last-runs/`);

export const exportUrl = (workspaceId: Id, appId: Id, format: 'yaml' | 'json') =>
  `${app(workspaceId, appId)}/export/?format=${format}`;

/** Import a file: with dryRun the server only reports; otherwise it creates the app. */
export async function importApp(
  workspaceId: Id,
  file: { content: string; filename: string },
  dryRun: boolean,
): Promise<ImportReport | { app: AppSummary; report: ImportReport }> {
  return apiFetch(`${ws(workspaceId)}/apps/import/${dryRun ? '?dry_run=1' : ''}`, { method: 'POST', body: file });
}

/** Downloads an export through fetch so a server error is shown, not saved as a file. */
export async function downloadExport(workspaceId: Id, appId: Id, format: 'yaml' | 'json', fallbackName: string) {
  const res = await fetch(exportUrl(workspaceId, appId, format), {
    credentials: 'same-origin',
    headers: { 'X-CSRFToken': getCsrfToken() },
  });
  if (!res.ok) {
    let body: unknown = null;
    try {
      body = await res.json();
    } catch {
      body = null;
    }
    const err = (body as { error?: { code?: string; message?: string } } | null)?.error;
    throw new ApiError(res.status, err?.code ?? `http_${res.status}`, err?.message ?? 'Export failed.');
  }
  const blob = await res.blob();
  const disposition = res.headers.get('Content-Disposition') ?? '';
  const match = disposition.match(/filename="?([^";]+)"?/);
  const name = match?.[1] ?? `${fallbackName}.${format === 'yaml' ? 'yaml' : 'json'}`;
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
