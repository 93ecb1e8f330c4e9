export type WorkspaceId = number | string;

export interface Workspace {
  id: WorkspaceId;
  name: string;
  slug: string;
  role: string;
}

export interface Paginated<T> {
  results: T[];
  count?: number;
  next?: string | null;
  previous?: string | null;
}

export type JobStatus = 'queued' | 'pending' | 'running' | 'finished' | 'succeeded' | 'failed' | string;

export interface Job {
  id: number | string;
  kind: string;
  status: JobStatus;
  /** A fraction from 0 to 1. */
  progress: number | null;
  /** What the job is doing now, e.g. "120 of 600 cells · about 40 s left". */
  message?: string;
  result: unknown;
  error: string | null;
}

export type JobEventType = 'job.started' | 'job.progress' | 'job.finished' | 'job.failed';

export interface JobEvent {
  type: JobEventType;
  job: Job;
}
