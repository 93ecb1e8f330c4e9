/** Typed calls of the workspace's run list and run detail. */
import { apiFetch } from '../api/client';
import type { Paginated } from '../api/types';
import { apiQuery, type RunFilters } from './filters';
import type { RunDetail, RunRow } from './types';

type Id = number | string;

const runs = (workspaceId: Id) => `/api/workspaces/${encodeURIComponent(String(workspaceId))}/runs/`;

export function listWorkspaceRuns(
  workspaceId: Id,
  filters: RunFilters,
  page: { offset: number; limit: number },
  signal?: AbortSignal,
): Promise<Paginated<RunRow>> {
  const q = apiQuery(filters);
  q.set('limit', String(page.limit));
  if (page.offset) q.set('offset', String(page.offset));
  return apiFetch(`${runs(workspaceId)}?${q}`, { signal });
}

export const getRunDetail = (workspaceId: Id, runId: string, signal?: AbortSignal) =>
  apiFetch<RunDetail>(`${runs(workspaceId)}${encodeURIComponent(runId)}/`, { signal });
