/** Typed calls of the prompt library API. */
import { apiFetch } from '../api/client';
import type { Paginated } from '../api/types';
import type { ModelOption } from '../apps/types';
import type { LabelMove, PromptDetail, PromptRow, PromptVersion, PushWarning, VersionContent, VersionDiff } from './types';

type Id = number | string;
const prompts = (ws: Id) => `/api/workspaces/${encodeURIComponent(String(ws))}/prompts/`;
const promptUrl = (ws: Id, id: Id) => `${prompts(ws)}${encodeURIComponent(String(id))}/`;

export const listPrompts = (ws: Id, query = '', signal?: AbortSignal) =>
  apiFetch<Paginated<PromptRow>>(`${prompts(ws)}?limit=500${query ? `&q=${encodeURIComponent(query)}` : ''}`, { signal });

export const getPrompt = (ws: Id, id: Id, signal?: AbortSignal) => apiFetch<PromptDetail>(promptUrl(ws, id), { signal });

export const createPrompt = (ws: Id, body: { name: string; description?: string; tags?: string[]; version?: VersionContent }) =>
  apiFetch<PromptDetail & { warnings: PushWarning[] }>(prompts(ws), { method: 'POST', body });

export const updatePrompt = (ws: Id, id: Id, body: { name?: string; description?: string; tags?: string[] }) =>
  apiFetch<PromptDetail>(promptUrl(ws, id), { method: 'PATCH', body });

export const deletePrompt = (ws: Id, id: Id) => apiFetch<void>(promptUrl(ws, id), { method: 'DELETE' });

export const getVersion = (ws: Id, id: Id, number: number, signal?: AbortSignal) =>
  apiFetch<PromptVersion>(`${promptUrl(ws, id)}versions/${number}/`, { signal });

export const pushVersion = (ws: Id, id: Id, body: VersionContent) =>
  apiFetch<PromptVersion & { warnings: PushWarning[] }>(`${promptUrl(ws, id)}versions/`, { method: 'POST', body });

export const setLabel = (ws: Id, id: Id, label: string, version: number) =>
  apiFetch<{ name: string; version: number }>(`${promptUrl(ws, id)}labels/${encodeURIComponent(label)}/`, {
    method: 'PUT',
    body: { version },
  });

export const deleteLabel = (ws: Id, id: Id, label: string) =>
  apiFetch<void>(`${promptUrl(ws, id)}labels/${encodeURIComponent(label)}/`, { method: 'DELETE' });

export const rollbackLabel = (ws: Id, id: Id, label: string) =>
  apiFetch<{ name: string; version: number }>(`${promptUrl(ws, id)}labels/${encodeURIComponent(label)}/rollback/`, {
    method: 'POST',
  });

export const labelMoves = (ws: Id, id: Id, signal?: AbortSignal) =>
  apiFetch<Paginated<LabelMove>>(`${promptUrl(ws, id)}label-moves/?limit=50`, { signal });

export const versionDiff = (ws: Id, id: Id, from: number, to: number, signal?: AbortSignal) =>
  apiFetch<VersionDiff>(`${promptUrl(ws, id)}diff/?from=${from}&to=${to}`, { signal });

export const exportUrl = (ws: Id, id: Id) => `${promptUrl(ws, id)}export/`;

export const importPrompt = (ws: Id, yaml: string) =>
  apiFetch<PromptDetail>(`${prompts(ws)}import/`, { method: 'POST', body: { yaml } });

export const listModels = async (ws: Id, signal?: AbortSignal) =>
  (await apiFetch<{ results: ModelOption[] }>(`/api/workspaces/${encodeURIComponent(String(ws))}/models/`, { signal }))
    .results;
