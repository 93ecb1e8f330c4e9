/** Typed calls of the fine-tuning API. */
import { apiFetch, apiPostForm } from '../api/client';
import type { Paginated } from '../api/types';
import type { EvaluatorChoice, FineTuneInput, FineTuneJob, MethodCatalog } from './types';

type Id = number | string;
const base = (w: Id) => `/api/workspaces/${encodeURIComponent(String(w))}/finetune/`;
const jobUrl = (w: Id, id: Id) => `${base(w)}jobs/${encodeURIComponent(String(id))}/`;

/** The methods and base models; with `baseModel`, each method's trainable parameter count on it. */
export const getMethods = (w: Id, baseModel = '', signal?: AbortSignal) =>
  apiFetch<MethodCatalog>(`${base(w)}methods/${baseModel ? `?base_model=${encodeURIComponent(baseModel)}` : ''}`, { signal });

export const listFineTunes = (w: Id, signal?: AbortSignal) =>
  apiFetch<Paginated<FineTuneJob>>(`${base(w)}jobs/?limit=200`, { signal });
export const getFineTune = (w: Id, id: Id, signal?: AbortSignal) => apiFetch<FineTuneJob>(jobUrl(w, id), { signal });
export const startFineTune = (w: Id, body: FineTuneInput) => apiFetch<FineTuneJob>(`${base(w)}jobs/`, { method: 'POST', body });
export const deleteFineTune = (w: Id, id: Id) => apiFetch<void>(jobUrl(w, id), { method: 'DELETE' });
export const cancelFineTune = (w: Id, id: Id) => apiFetch<FineTuneJob>(`${jobUrl(w, id)}cancel/`, { method: 'POST' });
export const mergeFineTune = (w: Id, id: Id) => apiFetch<FineTuneJob>(`${jobUrl(w, id)}merge/`, { method: 'POST' });

/** Base vs tuned on the held-out rows, judged by `evaluator` (the server's default: similarity). */
export const evaluateFineTune = (w: Id, id: Id, evaluator?: EvaluatorChoice) =>
  apiFetch<FineTuneJob>(`${jobUrl(w, id)}evaluate/`, {
    method: 'POST',
    body: evaluator ? { evaluators: [{ name: evaluator.type, ...evaluator }], primary_evaluator: evaluator.name ?? evaluator.type } : {},
  });

/** Downloads (zip files), plain links. */
export const adapterUrl = (w: Id, id: Id) => `${jobUrl(w, id)}adapter/`;
export const mergedUrl = (w: Id, id: Id) => `${jobUrl(w, id)}merged/`;

/** An adapter trained elsewhere: a .zip of a peft adapter (adapter_config.json + adapter_model.safetensors). */
export function uploadAdapter(w: Id, fields: { name: string; base_model: string; file: File }) {
  const form = new FormData();
  form.append('name', fields.name);
  form.append('base_model', fields.base_model);
  form.append('file', fields.file);
  return apiPostForm<FineTuneJob>(`${base(w)}adapters/`, form);
}
