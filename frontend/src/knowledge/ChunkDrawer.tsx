/** The chunks of one document: stored ones once indexed, else a preview with the current settings. */
import { useEffect, useState } from 'react';
import { ErrorNotice } from '../components/ErrorNotice';
import { useSession } from '../session';
import { listChunks, previewChunks } from './api';
import type { ChunkRow, KnowledgeBase, KnowledgeDocument } from './types';

export function ChunkDrawer({ kb, doc, onClose }: { kb: KnowledgeBase; doc: KnowledgeDocument; onClose: () => void }) {
  const { workspaceId } = useSession();
  const [chunks, setChunks] = useState<ChunkRow[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const preview = doc.state !== 'indexed';

  useEffect(() => {
    const load = preview
      ? previewChunks(workspaceId, kb.id, doc.id).then((answer) => answer.chunks)
      : listChunks(workspaceId, kb.id, doc.id).then((page) => page.results);
    load.then(setChunks).catch(setError);
  }, [workspaceId, kb.id, doc.id, preview]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);

  return (
    <aside className="drawer" aria-label={`Chunks of ${doc.name}`}>
      <div className="drawer-header">
        <div>
          <h2>{doc.name}</h2>
          <p className="muted">{preview ? 'Preview with the current chunking settings (not indexed yet)' : `${chunks?.length ?? '…'} stored chunks`}</p>
        </div>
        <button type="button" className="button-quiet" onClick={onClose} aria-label="Close (Esc)" title="Close (Esc)">
          ×
        </button>
      </div>
      {error !== null && <ErrorNotice error={error} />}
      <ol className="chunk-list">
        {(chunks ?? []).map((chunk) => (
          <li key={chunk.position} className={`chunk chunk-${chunk.role}`}>
            <div className="chunk-meta">
              <span>#{chunk.position}</span>
              {chunk.role !== 'chunk' && <span className="badge">{chunk.role}</span>}
              {chunk.page !== null && <span>page {chunk.page}</span>}
              {chunk.heading && <span className="chunk-heading">{chunk.heading}</span>}
              <span className="muted">{chunk.text.length} chars</span>
            </div>
            <p className="chunk-text">{chunk.text}</p>
          </li>
        ))}
      </ol>
    </aside>
  );
}
