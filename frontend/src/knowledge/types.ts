/** Shapes of the knowledge API (builder/knowledge/apis.py). */

export type SearchMode = 'vector' | 'full_text' | 'hybrid';
export const SEARCH_MODES: readonly SearchMode[] = ['vector', 'full_text', 'hybrid'];
export const MODE_LABELS: Record<SearchMode, string> = {
  vector: 'Vector',
  full_text: 'Full-text',
  hybrid: 'Hybrid',
};

export interface ChunkingSettings {
  mode: 'general' | 'parent_child';
  separators: string[];
  max_length: number;
  overlap: number;
  parent_max_length: number;
}

export interface SearchSettings {
  mode: SearchMode;
  top_k: number;
  score_threshold: number | null;
}

export interface KnowledgeBase {
  id: number;
  name: string;
  description: string;
  embedding: { provider: string; model: string; dimensions: number; base_url: string };
  chunking: ChunkingSettings;
  search_defaults: SearchSettings;
  document_count: number;
  indexed_count: number;
  created_at: string;
  updated_at: string;
}

/** How this knowledge base's searches run on the database (GET …/search-paths/). */
export interface SearchPaths {
  chunks: number;
  server: string;
  pgvector: string;
  halfvec: boolean;
  iterative_scan: boolean;
  index_kind: string;
  paths: Record<SearchMode, string>;
}

export type DocumentState = 'queued' | 'parsing' | 'embedding' | 'indexed' | 'failed';

export interface KnowledgeDocument {
  id: number;
  knowledge_base_id: number;
  name: string;
  file_type: string;
  size_bytes: number;
  state: DocumentState;
  error: { code: string; message: string } | null;
  chunk_count: number;
  chunks_done: number;
  created_at?: string;
  indexed_at?: string | null;
}

export interface ChunkRow {
  position: number;
  role: 'chunk' | 'parent' | 'child';
  parent_position: number | null;
  text: string;
  page: number | null;
  heading: string;
}

export interface SearchHit {
  chunk_id: number;
  document_id: number;
  document_name: string;
  text: string;
  matched_text: string;
  score: number;
  page: number | null;
  heading: string;
  position: number;
  ranks: Partial<Record<'vector' | 'full_text', number>>;
  highlights: string[];
}

export interface ModeResult {
  mode: SearchMode;
  took_ms: number;
  hits: SearchHit[];
}

export interface SearchResponse {
  query: string;
  top_k: number;
  score_threshold: number | null;
  /** Time to embed the query (vector and hybrid modes share it). */
  embedding_ms: number;
  results: ModeResult[];
}

/** `knowledge.document` events on the workspace websocket. */
export interface DocumentEvent {
  type: 'knowledge.document';
  document: KnowledgeDocument;
}
