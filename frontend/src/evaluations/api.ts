/** Typed calls of the datasets and experiments API. */
import { apiFetch, apiPostForm } from '../api/client';
import type { Paginated } from '../api/types';
import type {
  DatasetDetail,
  DatasetRow,
  DatasetVersion,
  EvaluatorType,
  Experiment,
  ExperimentDetail,
  ExperimentSummary,
  FilePreview,
  GridSpec,
  ResultCell,
  ResultRow,
  Row,
} from './types';

type Id = number | string;
const ws = (w: Id) => `/api/workspaces/${encodeURIComponent(String(w))}`;
const datasets = (w: Id) => `${ws(w)}/datasets/`;
const datasetUrl = (w: Id, id: Id) => `${datasets(w)}${encodeURIComponent(String(id))}/`;
const experiments = (w: Id) => `${ws(w)}/experiments/`;
const experimentUrl = (w: Id, id: Id) => `${experiments(w)}${encodeURIComponent(String(id))}/`;

export const listDatasets = (w: Id, signal?: AbortSignal) =>
  apiFetch<Paginated<DatasetRow>>(`${datasets(w)}?limit=500`, { signal });
export const getDataset = (w: Id, id: Id, signal?: AbortSignal) => apiFetch<DatasetDetail>(datasetUrl(w, id), { signal });
export const createDataset = (w: Id, body: { name: string; description?: string; rows?: Row[] }) =>
  apiFetch<DatasetDetail>(datasets(w), { method: 'POST', body });
export const deleteDataset = (w: Id, id: Id) => apiFetch<void>(datasetUrl(w, id), { method: 'DELETE' });

export type RowsSource = { rows: Row[] } | { grid: GridSpec } | { run_ids: string[] };
export const addVersion = (w: Id, id: Id, source: RowsSource, mode: 'append' | 'replace' = 'append', note = '') =>
  apiFetch<DatasetVersion>(`${datasetUrl(w, id)}versions/`, { method: 'POST', body: { ...source, mode, note } });

export const listRows = (w: Id, id: Id, number: number, tag = '', signal?: AbortSignal) =>
  apiFetch<Paginated<Row>>(
    `${datasetUrl(w, id)}versions/${number}/rows/?limit=500${tag ? `&tag=${encodeURIComponent(tag)}` : ''}`,
    { signal },
  );

export const exportRowsUrl = (w: Id, id: Id, number: number, format: 'csv' | 'jsonl') =>
  `${datasetUrl(w, id)}versions/${number}/export/?format=${format}`;

export function uploadRows(
  w: Id,
  id: Id,
  file: File,
  options: { preview: boolean; mapping?: { inputs: string[]; expected: string | null; tags: string | null }; mode?: string },
) {
  const form = new FormData();
  form.append('file', file);
  if (options.preview) form.append('preview', 'true');
  if (options.mapping) form.append('mapping', JSON.stringify(options.mapping));
  if (options.mode) form.append('mode', options.mode);
  return apiPostForm<FilePreview | DatasetVersion>(`${datasetUrl(w, id)}files/`, form);
}

export const previewGrid = (w: Id, grid: GridSpec) =>
  apiFetch<{ row_count: number; rows: Row[] }>(`${datasets(w)}grid-preview/`, { method: 'POST', body: grid });

export const listExperiments = (w: Id, dataset?: number, signal?: AbortSignal) =>
  apiFetch<Paginated<Experiment>>(`${experiments(w)}?limit=200${dataset ? `&dataset=${dataset}` : ''}`, { signal });
export const getExperiment = (w: Id, id: Id, signal?: AbortSignal) =>
  apiFetch<ExperimentDetail>(experimentUrl(w, id), { signal });

export interface ExperimentInput {
  name: string;
  dataset_id: number;
  dataset_version?: number;
  variants: ({ prompt_version_id: number; model?: Record<string, unknown> } | { app_version_id: number })[];
  evaluators: Record<string, unknown>[];
  primary_evaluator?: string;
  concurrency?: number;
  /** Only these rows of the dataset version (e.g. a fine-tune's held-out rows). */
  row_ids?: number[];
}
export const createExperiment = (w: Id, body: ExperimentInput) =>
  apiFetch<ExperimentDetail>(experiments(w), { method: 'POST', body });
export const stepExperiment = (w: Id, id: Id, step: 'pause' | 'resume' | 'cancel') =>
  apiFetch<ExperimentDetail>(`${experimentUrl(w, id)}${step}/`, { method: 'POST' });

export const listResultRows = (w: Id, id: Id, filter = '', tag = '', signal?: AbortSignal) =>
  apiFetch<Paginated<ResultRow>>(
    `${experimentUrl(w, id)}rows/?limit=5000${filter ? `&filter=${filter}` : ''}${tag ? `&tag=${encodeURIComponent(tag)}` : ''}`,
    { signal },
  );
export const getSummary = (w: Id, id: Id, signal?: AbortSignal) =>
  apiFetch<ExperimentSummary>(`${experimentUrl(w, id)}summary/`, { signal });
export const labelCell = (w: Id, id: Id, cell: number, body: { good: boolean; score?: number | null; comment?: string }) =>
  apiFetch<ResultCell>(`${experimentUrl(w, id)}cells/${cell}/label/`, { method: 'PUT', body });
export const unlabelCell = (w: Id, id: Id, cell: number) =>
  apiFetch<void>(`${experimentUrl(w, id)}cells/${cell}/label/`, { method: 'DELETE' });
/** What a promotion moved: a prompt's label, or an app's label (or its split, by version number). */
export interface Promotion {
  target: 'prompt' | 'app';
  prompt_id?: number;
  app_id?: number;
  label: string;
  version: number;
  moved: { from: number | null; to: number };
  split: { version: number; weight: number }[];
}
export const promoteVariant = (w: Id, id: Id, variant: number, body: { label: string; share?: number }) =>
  apiFetch<Promotion>(`${experimentUrl(w, id)}variants/${variant}/promote/`, { method: 'POST', body });
export const exportExperimentUrl = (w: Id, id: Id, format: 'json' | 'csv') => `${experimentUrl(w, id)}export/?format=${format}`;
export const listEvaluatorTypes = async (w: Id, signal?: AbortSignal) =>
  (await apiFetch<{ results: EvaluatorType[] }>(`${ws(w)}/evaluator-types/`, { signal })).results;

export const fillColumn = (w: Id, id: Id, body: { column: string; template: string; model: Record<string, unknown> }) =>
  apiFetch<{ job: { id: number } }>(`${datasetUrl(w, id)}fill/`, { method: 'POST', body });

export interface JobState {
  id: number;
  status: 'queued' | 'running' | 'succeeded' | 'failed';
  progress: number;
  message: string;
  error_message: string;
  result: { version?: number } | null;
}
export const getJob = (w: Id, job: number, signal?: AbortSignal) => apiFetch<JobState>(`${ws(w)}/jobs/${job}/`, { signal });
