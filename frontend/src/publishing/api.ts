/** Typed calls of the publishing API: publish, endpoint on/off, labels, audit, endpoint info,
 * the web chat, API runs, API keys and the app's annotation replies. Session auth; writes carry the CSRF token (see api/client). */
import { apiFetch } from '../api/client';
import type { Paginated } from '../api/types';
import type { Issue } from '../apps/types';
import type { ApiKey, ApiKeyCreated, ApiRun, EndpointInfo, LabelArm, LabelInfo, LabelMove, PublishingState, WebChat } from './types';

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

/** Split the label's traffic between versions (whole percents adding up to 100). */
export const setLabelSplit = (workspaceId: Id, appId: Id, name: string, arms: LabelArm[]) =>
  apiFetch<LabelInfo>(`${label(workspaceId, appId, name)}/split/`, { method: 'PUT', body: { arms } });

/** End the split: the label serves `version` (one of its arms) alone. */
export const endLabelSplit = (workspaceId: Id, appId: Id, name: string, version: number) =>
  apiFetch<LabelInfo>(`${label(workspaceId, appId, name)}/split/`, { method: 'DELETE', body: { version } });

/** Promote the winning arm: the label serves `version` to everyone; the split is over. */
export const promoteLabelArm = (workspaceId: Id, appId: Id, name: string, version: number) =>
  apiFetch<LabelInfo>(`${label(workspaceId, appId, name)}/promote/`, { method: 'POST', body: { version } });

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

/** An approved answer the published app returns, without calling its model, to a question close
 * enough to the reviewed one. */
export interface AnnotationReply {
  id: number;
  question: string;
  answer: string;
  enabled: boolean;
  hit_count: number;
  last_hit_at: string | null;
  source: 'manual' | 'annotation' | string;
  source_item_id: number | null;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

/** Whether the app serves its replies, and the cosine similarity (0.5–1.0) a question needs. */
export interface ReplySettings {
  enabled: boolean;
  threshold: number;
  updated_at: string | null;
}

const replies = (workspaceId: Id, appId: Id) => `${app(workspaceId, appId)}/replies/`;

export async function listReplies(workspaceId: Id, appId: Id, signal?: AbortSignal): Promise<AnnotationReply[]> {
  return (await apiFetch<Paginated<AnnotationReply>>(`${replies(workspaceId, appId)}?limit=500`, { signal })).results;
}

export const createReply = (workspaceId: Id, appId: Id, body: { question: string; answer: string }) =>
  apiFetch<AnnotationReply>(replies(workspaceId, appId), { method: 'POST', body });

export const updateReply = (workspaceId: Id, appId: Id, replyId: number, body: { question?: string; answer?: string; enabled?: boolean }) =>
  apiFetch<AnnotationReply>(`${replies(workspaceId, appId)}${replyId}/`, { method: 'PATCH', body });

export const deleteReply = (workspaceId: Id, appId: Id, replyId: number) =>
  apiFetch<void>(`${replies(workspaceId, appId)}${replyId}/`, { method: 'DELETE' });

export const getReplySettings = (workspaceId: Id, appId: Id, signal?: AbortSignal) =>
  apiFetch<ReplySettings>(`${replies(workspaceId, appId)}settings/`, { signal });

export const saveReplySettings = (workspaceId: Id, appId: Id, body: { enabled: boolean; threshold: number }) =>
  apiFetch<ReplySettings>(`${replies(workspaceId, appId)}settings/`, { method: 'PUT', body });
