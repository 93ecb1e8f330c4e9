import { apiFetch } from './client';
import type { Job, WorkspaceId } from './types';

/** Starts a background job; the server answers with the job (or {"job": ...}). */
export async function createJob(workspaceId: WorkspaceId, kind: string): Promise<Job> {
  const body = await apiFetch<Job | { job: Job }>(
    `/api/workspaces/${encodeURIComponent(String(workspaceId))}/jobs/`,
    { method: 'POST', body: { kind } },
  );
  return 'job' in body && typeof body.job === 'object' ? body.job : (body as Job);
}

export function isTerminal(status: string): boolean {
  return status === 'finished' || status === 'succeeded' || status === 'failed' || status === 'cancelled';
}

/** Progress (a fraction 0..1 on the wire) as a whole percent, or null when unknown. */
export function jobProgressPercent(job: Pick<Job, 'progress' | 'status'>): number | null {
  if (job.status === 'finished' || job.status === 'succeeded') return 100;
  const p = job.progress;
  if (typeof p !== 'number' || Number.isNaN(p)) return null;
  return Math.round(Math.min(1, Math.max(0, p)) * 100);
}
