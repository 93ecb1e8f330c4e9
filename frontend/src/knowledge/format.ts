/** Small display helpers of the knowledge pages. */
import type { KnowledgeDocument } from './types';

export function fileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export function isBusy(doc: Pick<KnowledgeDocument, 'state'>): boolean {
  return doc.state === 'queued' || doc.state === 'parsing' || doc.state === 'embedding';
}

/** 0..100 while embedding, 100 when indexed, null when there is nothing to measure yet. */
export function documentPercent(doc: KnowledgeDocument): number | null {
  if (doc.state === 'indexed') return 100;
  if (doc.state !== 'embedding' || doc.chunk_count <= 0) return null;
  return Math.min(100, Math.round((doc.chunks_done / doc.chunk_count) * 100));
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export interface TextPart {
  text: string;
  match: boolean;
}

/** Splits `text` into parts, marking every whole-word occurrence of `words` (any case). */
export function highlightParts(text: string, words: string[]): TextPart[] {
  const unique = [...new Set(words.filter((w) => w.trim()))].sort((a, b) => b.length - a.length);
  if (unique.length === 0) return [{ text, match: false }];
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}])(${unique.map(escapeRegExp).join('|')})(?![\\p{L}\\p{N}])`, 'giu');
  const parts: TextPart[] = [];
  let last = 0;
  for (const m of text.matchAll(pattern)) {
    const start = m.index ?? 0;
    if (start > last) parts.push({ text: text.slice(last, start), match: false });
    parts.push({ text: m[0], match: true });
    last = start + m[0].length;
  }
  if (last < text.length) parts.push({ text: text.slice(last), match: false });
  return parts;
}

/** Separators as people type them ("\n\n") and as the server stores them (real newlines). */
export const showSeparator = (s: string) => s.replace(/\n/g, '\\n').replace(/\t/g, '\\t');
export const readSeparator = (s: string) => s.replace(/\\n/g, '\n').replace(/\\t/g, '\t');
