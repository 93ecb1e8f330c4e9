/** Typed calls of the knowledge API. Uploads go as multipart form data. */
import { apiFetch, apiPostForm } from '../api/client';
import type { Paginated } from '../api/types';
import type {
  ChunkRow,
  ChunkingSettings,
  KnowledgeBase,
  KnowledgeDocument,
  SearchMode,
  SearchPaths,
  SearchResponse,
} from './types';

type Id = number | string;

const kbs = (ws: Id) => `/api/workspaces/${encodeURIComponent(String(ws))}/knowledge-bases/`;
const kbUrl = (ws: Id, kb: Id) => `${kbs(ws)}${encodeURIComponent(String(kb))}/`;
const docUrl = (ws: Id, kb: Id, doc: Id) => `${kbUrl(ws, kb)}documents/${encodeURIComponent(String(doc))}/`;

export const listKnowledgeBases = (ws: Id, signal?: AbortSignal) =>
  apiFetch<Paginated<KnowledgeBase>>(`${kbs(ws)}?limit=500`, { signal });

export const getKnowledgeBase = (ws: Id, kb: Id, signal?: AbortSignal) =>
  apiFetch<KnowledgeBase>(kbUrl(ws, kb), { signal });

export const getSearchPaths = (ws: Id, kb: Id, signal?: AbortSignal) =>
  apiFetch<SearchPaths>(`${kbUrl(ws, kb)}search-paths/`, { signal });

export interface KnowledgeBaseInput {
  name: string;
  description?: string;
  chunking?: Partial<ChunkingSettings>;
}

export const createKnowledgeBase = (ws: Id, body: KnowledgeBaseInput) =>
  apiFetch<KnowledgeBase>(kbs(ws), { method: 'POST', body });

export const updateKnowledgeBase = (ws: Id, kb: Id, body: Partial<KnowledgeBaseInput>) =>
  apiFetch<KnowledgeBase>(kbUrl(ws, kb), { method: 'PATCH', body });

export const deleteKnowledgeBase = (ws: Id, kb: Id) => apiFetch<null>(kbUrl(ws, kb), { method: 'DELETE' });

export const listDocuments = (ws: Id, kb: Id, signal?: AbortSignal) =>
  apiFetch<Paginated<KnowledgeDocument>>(`${kbUrl(ws, kb)}documents/?limit=500`, { signal });

export const retryDocument = (ws: Id, kb: Id, doc: Id) =>
  apiFetch<KnowledgeDocument>(`${docUrl(ws, kb, doc)}retry/`, { method: 'POST' });

export const deleteDocument = (ws: Id, kb: Id, doc: Id) => apiFetch<null>(docUrl(ws, kb, doc), { method: 'DELETE' });

export const listChunks = (ws: Id, kb: Id, doc: Id) =>
  apiFetch<Paginated<ChunkRow>>(`${docUrl(ws, kb, doc)}chunks/?limit=500`);

export const previewChunks = (ws: Id, kb: Id, doc: Id, chunking?: Partial<ChunkingSettings>) =>
  apiFetch<{ chunking: ChunkingSettings; chunks: ChunkRow[] }>(`${docUrl(ws, kb, doc)}preview/`, {
    method: 'POST',
    body: { chunking: chunking ?? {} },
  });

export interface SearchInput {
  query: string;
  modes: SearchMode[];
  top_k?: number;
  score_threshold?: number | null;
}

export const searchKnowledgeBase = (ws: Id, kb: Id, body: SearchInput) =>
  apiFetch<SearchResponse>(`${kbUrl(ws, kb)}search/`, { method: 'POST', body });

export const exportUrl = (ws: Id, kb: Id) => `${kbUrl(ws, kb)}export/`;


export function uploadDocuments(ws: Id, kb: Id, files: File[]) {
  const form = new FormData();
  for (const file of files) form.append('files', file, file.name);
  return apiPostForm<{ documents: KnowledgeDocument[]; job: { id: number; status: string } }>(
    `${kbUrl(ws, kb)}documents/`,
    form,
  );
}

export function importArchive(ws: Id, file: File) {
  const form = new FormData();
  form.append('archive', file, file.name);
  return apiPostForm<KnowledgeBase>(`${kbs(ws)}import/`, form);
}
