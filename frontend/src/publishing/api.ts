/** Typed calls of the publishing API: publish, endpoint on/off, labels, audit, endpoint info,
 * the web chat, API runs and API keys. Session auth; writes carry the CSRF token (see api/client). */
import { apiFetch } from '../api/client';
import type { Paginated } from '../api/types';
import type { Issue } from '../apps/types';
import type { ApiKey, ApiKeyCreated, ApiRun, EndpointInfo, LabelInfo, LabelMove, PublishingState, WebChat } from './types';

type Id = number | string;

const ws = (workspaceId: Id) => `/api/workspaces/${encodeURIComponent(String(workspaceId))}`;
const app = (workspaceId: Id, appId: Id) => `${ws(workspaceId)}/apps/${encodeURIComponent(String(appId))}`;
const label = (workspaceId: Id, appId: Id, name: string) => `${app(workspaceId, appId)}/labels/${encodeURIComponent(name)}`;

export const getPublishing = (workspaceId: Id, appId: Id, signal?: AbortSignal) =>
  apiFetch<PublishingState>(`${app(workspaceId, appId)}/publish/`, { signal });

/** Publish the draft: the new state, with the warnings the server allowed. */
export const publishApp = (workspaceId: Id, appId: Id, message = '') =>
  apiFetch<PublishingState & { warnings?: Issue[] }>(`${app(workspaceId, appId)}/publish/`, { method: 'POST', body: { message } });

/** Production's graph again with each library prompt re-resolved: a new version, production on it. */
export const republishApp = (workspaceId: Id, appId: Id) =>
  apiFetch<PublishingState>(`${app(workspaceId, appId)}/publish/republish/`, { method: 'POST' });

export const setEndpointEnabled = (workspaceId: Id, appId: Id, enabled: boolean) =>
  apiFetch<PublishingState>(`${app(workspaceId, appId)}/publish/`, { method: 'PATCH', body: { enabled } });

export const getEndpoint = (workspaceId: Id, appId: Id, signal?: AbortSignal) =>
  apiFetch<EndpointInfo>(`${app(workspaceId, appId)}/publish/endpoint/`, { signal });

export const moveLabel = (workspaceId: Id, appId: Id, name: string, version: number) =>
  apiFetch<LabelInfo>(`${label(workspaceId, appId, name)}/`, { method: 'PUT', body: { version } });

export const deleteLabel = (workspaceId: Id, appId: Id, name: string) =>
  apiFetch<void>(`${label(workspaceId, appId, name)}/`, { method: 'DELETE' });

export const rollbackLabel = (workspaceId: Id, appId: Id, name: string) =>
  apiFetch<LabelInfo>(`${label(workspaceId, appId, name)}/rollback/`, { method: 'POST' });

export async function listLabelMoves(workspaceId: Id, appId: Id, limit = 50): Promise<LabelMove[]> {
  return (await apiFetch<Paginated<LabelMove>>(`${app(workspaceId, appId)}/labels/audit/?limit=${limit}`)).results;
}

export async function listApiRuns(workspaceId: Id, appId: Id, limit = 20, signal?: AbortSignal): Promise<ApiRun[]> {
  return (await apiFetch<Paginated<ApiRun>>(`${app(workspaceId, appId)}/publish/runs/?limit=${limit}`, { signal })).results;
}

/** The keys that may call this app: its own and the workspace-wide ones. */
export async function listApiKeys(workspaceId: Id, signal?: AbortSignal): Promise<ApiKey[]> {
  return (await apiFetch<Paginated<ApiKey>>(`${ws(workspaceId)}/api-keys/?limit=200`, { signal })).results;
}

export const createApiKey = (
  workspaceId: Id,
  body: { name: string; app_id?: number | null; rate_limit_per_minute?: number | null },
) => apiFetch<ApiKeyCreated>(`${ws(workspaceId)}/api-keys/`, { method: 'POST', body });

export const revokeApiKey = (workspaceId: Id, keyId: number) =>
  apiFetch<ApiKey>(`${ws(workspaceId)}/api-keys/${keyId}/`, { method: 'DELETE' });

export const getWebChat = (workspaceId: Id, appId: Id, signal?: AbortSignal) =>
  apiFetch<WebChat>(`${app(workspaceId, appId)}/publish/web-chat/`, { signal });

export const updateWebChat = (workspaceId: Id, appId: Id, body: { enabled?: boolean; rate_limit_per_minute?: number | null }) =>
  apiFetch<WebChat>(`${app(workspaceId, appId)}/publish/web-chat/`, { method: 'PATCH', body });

export const rotateWebChat = (workspaceId: Id, appId: Id) =>
  apiFetch<WebChat>(`${app(workspaceId, appId)}/publish/web-chat/rotate/`, { method: 'POST' });
