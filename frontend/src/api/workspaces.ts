import { apiFetch } from './client';
import type { Paginated, Workspace, WorkspaceId } from './types';

export async function listWorkspaces(signal?: AbortSignal): Promise<Workspace[]> {
  const page = await apiFetch<Paginated<Workspace>>('/api/workspaces/', { signal });
  return page.results;
}

/** Makes `id` the session's current workspace; the caller reloads the page. */
export async function switchWorkspace(id: WorkspaceId): Promise<void> {
  await apiFetch<unknown>('/api/session/workspace/', { method: 'POST', body: { workspace: id } });
}
