/** Typed calls of the annotation API (docs/annotation-api.md). */
import { apiFetch } from '../api/client';
import type { Paginated } from '../api/types';
import type {
  AddItemsInput,
  AgreementRow,
  Item,
  ItemStatus,
  ItemSummary,
  Member,
  Queue,
  QueueInput,
  ReviewInput,
  Rule,
  RuleInput,
  ScoreConfig,
  ScoreConfigInput,
  StepResult,
} from './types';

type Id = number | string;
const enc = (id: Id) => encodeURIComponent(String(id));
const ws = (w: Id) => `/api/workspaces/${enc(w)}`;
const base = (w: Id) => `${ws(w)}/annotation`;
const queueUrl = (w: Id, q: Id) => `${base(w)}/queues/${enc(q)}/`;
const itemUrl = (w: Id, q: Id, item: Id) => `${queueUrl(w, q)}items/${enc(item)}/`;

// --- score configs
export const listScoreConfigs = (w: Id, archived = false, signal?: AbortSignal) =>
  apiFetch<Paginated<ScoreConfig>>(`${base(w)}/score-configs/?limit=500${archived ? '&archived=1' : ''}`, { signal });
export const createScoreConfig = (w: Id, body: ScoreConfigInput) =>
  apiFetch<ScoreConfig>(`${base(w)}/score-configs/`, { method: 'POST', body });
export const updateScoreConfig = (w: Id, id: Id, body: Partial<ScoreConfigInput> & { archived?: boolean }) =>
  apiFetch<ScoreConfig>(`${base(w)}/score-configs/${enc(id)}/`, { method: 'PATCH', body });
export const deleteScoreConfig = (w: Id, id: Id) =>
  apiFetch<void>(`${base(w)}/score-configs/${enc(id)}/`, { method: 'DELETE' });

// --- queues
export const listQueues = (w: Id, signal?: AbortSignal) =>
  apiFetch<Paginated<Queue>>(`${base(w)}/queues/?limit=500`, { signal });
export const getQueue = (w: Id, q: Id, signal?: AbortSignal) => apiFetch<Queue>(queueUrl(w, q), { signal });
export const createQueue = (w: Id, body: QueueInput) => apiFetch<Queue>(`${base(w)}/queues/`, { method: 'POST', body });
export const updateQueue = (w: Id, q: Id, body: Partial<QueueInput>) =>
  apiFetch<Queue>(queueUrl(w, q), { method: 'PATCH', body });
export const deleteQueue = (w: Id, q: Id) => apiFetch<void>(queueUrl(w, q), { method: 'DELETE' });

// --- sampling rules
export const listRules = (w: Id, q: Id, signal?: AbortSignal) =>
  apiFetch<Paginated<Rule>>(`${queueUrl(w, q)}rules/?limit=200`, { signal });
export const createRule = (w: Id, q: Id, body: RuleInput) =>
  apiFetch<Rule>(`${queueUrl(w, q)}rules/`, { method: 'POST', body });
export const updateRule = (w: Id, q: Id, id: Id, body: Partial<RuleInput>) =>
  apiFetch<Rule>(`${queueUrl(w, q)}rules/${enc(id)}/`, { method: 'PATCH', body });
export const deleteRule = (w: Id, q: Id, id: Id) =>
  apiFetch<void>(`${queueUrl(w, q)}rules/${enc(id)}/`, { method: 'DELETE' });
export const scanRules = (w: Id, q: Id) => apiFetch<{ added: number }>(`${queueUrl(w, q)}rules/scan/`, { method: 'POST' });

// --- items
export interface ItemFilter {
  status?: ItemStatus | '';
  disagreements?: boolean;
}
export function listItems(w: Id, q: Id, filter: ItemFilter = {}, signal?: AbortSignal) {
  const query = new URLSearchParams({ limit: '500' });
  if (filter.status) query.set('status', filter.status);
  if (filter.disagreements) query.set('disagreements', '1');
  return apiFetch<Paginated<ItemSummary>>(`${queueUrl(w, q)}items/?${query}`, { signal });
}
export const addItems = (w: Id, q: Id, body: AddItemsInput) =>
  apiFetch<{ added: number; already_queued: number }>(`${queueUrl(w, q)}items/`, { method: 'POST', body });
export const getItem = (w: Id, q: Id, item: Id, signal?: AbortSignal) => apiFetch<Item>(itemUrl(w, q, item), { signal });

// --- reviewing
/** Claims the caller's next item; null when nothing is left for them (204). */
export const claimNext = async (w: Id, q: Id, exclude: number[] = []) =>
  (await apiFetch<Item | null>(`${queueUrl(w, q)}next/`, { method: 'POST', body: { exclude } })) ?? null;
export const submitReview = (w: Id, q: Id, item: Id, body: ReviewInput) =>
  apiFetch<StepResult>(`${itemUrl(w, q, item)}review/?next=1`, { method: 'POST', body });
export const skipItem = (w: Id, q: Id, item: Id, reason: string) =>
  apiFetch<StepResult>(`${itemUrl(w, q, item)}skip/?next=1`, { method: 'POST', body: { reason } });
export const releaseItem = (w: Id, q: Id, item: Id) => apiFetch<void>(`${itemUrl(w, q, item)}release/`, { method: 'POST' });
export const adjudicateItem = (w: Id, q: Id, item: Id, body: Omit<ReviewInput, 'comment'>) =>
  apiFetch<Item>(`${itemUrl(w, q, item)}adjudicate/`, { method: 'POST', body });
export const replyFromItem = (w: Id, q: Id, item: Id, body: { question?: string; answer?: string }) =>
  apiFetch<unknown>(`${itemUrl(w, q, item)}reply/`, { method: 'POST', body });

// --- results
export const getAgreement = (w: Id, q: Id, signal?: AbortSignal) =>
  apiFetch<{ configs: AgreementRow[] }>(`${queueUrl(w, q)}agreement/`, { signal });
export const exportUrl = (w: Id, q: Id, format: 'csv' | 'jsonl') => `${queueUrl(w, q)}export/?format=${format}`;
export const exportToDataset = (w: Id, q: Id, target: { dataset_id: number } | { name: string }) =>
  apiFetch<{ dataset_id: number; version_number: number; rows: number }>(`${queueUrl(w, q)}export-dataset/`, {
    method: 'POST',
    body: target,
  });

// --- members (the reviewers to choose from)
export const listMembers = (w: Id, signal?: AbortSignal) =>
  apiFetch<Paginated<Member>>(`${ws(w)}/members/?limit=500`, { signal });
