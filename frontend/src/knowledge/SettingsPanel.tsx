/** Chunking and search defaults, export, and deletion of a knowledge base. */
import { useEffect, useState } from 'react';
import { useNavigate } from 'react-router';
import { ErrorNotice } from '../components/ErrorNotice';
import { useSession } from '../session';
import { deleteKnowledgeBase, exportUrl, getSearchPaths, updateKnowledgeBase } from './api';
import { readSeparator, showSeparator } from './format';
import { MODE_LABELS, SEARCH_MODES, type ChunkingSettings, type KnowledgeBase, type SearchPaths } from './types';

/** Which search path each mode takes on this database, and why (its size, pgvector's version). */
function SearchPathsPanel({ kb }: { kb: KnowledgeBase }) {
  const { workspaceId } = useSession();
  const [found, setFound] = useState<SearchPaths | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    const controller = new AbortController();
    getSearchPaths(workspaceId, kb.id, controller.signal)
      .then(setFound)
      .catch((e: unknown) => {
        if (!controller.signal.aborted) setError(e);
      });
    return () => controller.abort();
  }, [workspaceId, kb.id, kb.indexed_count]);
  return (
    <section className="panel" aria-label="Search paths">
      <h2>Search paths</h2>
      {error !== null && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
      {found && (
        <>
          <dl className="kb-paths">
            {SEARCH_MODES.map((mode) => (
              <div key={mode}>
                <dt>{MODE_LABELS[mode]}</dt>
                <dd>{found.paths[mode]}</dd>
              </div>
            ))}
          </dl>
          <p className="muted">
            PostgreSQL {found.server} · pgvector {found.pgvector} · {found.chunks.toLocaleString()} searchable chunks
          </p>
        </>
      )}
    </section>
  );
}

export function SettingsPanel({ kb, editable, onSaved }: { kb: KnowledgeBase; editable: boolean; onSaved: (kb: KnowledgeBase) => void }) {
  const { workspaceId } = useSession();
  const navigate = useNavigate();
  const [chunking, setChunking] = useState<ChunkingSettings>(kb.chunking);
  const [separators, setSeparators] = useState(kb.chunking.separators.map(showSeparator).join(' , '));
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const set = (patch: Partial<ChunkingSettings>) => setChunking({ ...chunking, ...patch });

  const save = (e: React.FormEvent) => {
    e.preventDefault();
    const next = { ...chunking, separators: separators.split(' , ').map(readSeparator).filter(Boolean) };
    updateKnowledgeBase(workspaceId, kb.id, { chunking: next })
      .then((updated) => {
        setSaved(true);
        onSaved(updated);
      })
      .catch(setError);
  };

  return (
    <div className="kb-settings">
      <form className="panel" onSubmit={save} aria-label="Chunking settings">
        <h2>Chunking</h2>
        <p className="muted">Saving a change re-indexes every document of this knowledge base.</p>
        <div className="form-grid">
          <label>
            Mode
            <select disabled={!editable} value={chunking.mode} onChange={(e) => set({ mode: e.target.value as ChunkingSettings['mode'] })}>
              <option value="general">General</option>
              <option value="parent_child">Parent-child</option>
            </select>
          </label>
          <label>
            Max chunk length
            <input disabled={!editable} type="number" value={chunking.max_length} onChange={(e) => set({ max_length: Number(e.target.value) })} />
          </label>
          <label>
            Overlap
            <input disabled={!editable} type="number" value={chunking.overlap} onChange={(e) => set({ overlap: Number(e.target.value) })} />
          </label>
          {chunking.mode === 'parent_child' && (
            <label>
              Parent max length
              <input disabled={!editable} type="number" value={chunking.parent_max_length} onChange={(e) => set({ parent_max_length: Number(e.target.value) })} />
            </label>
          )}
          <label className="wide">
            Separators, tried in order (separated by " , ")
            <input disabled={!editable} value={separators} onChange={(e) => setSeparators(e.target.value)} />
          </label>
        </div>
        {error !== null && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
        {saved && <p className="muted" role="status">Saved. Documents are being re-indexed.</p>}
        {editable && (
          <div className="form-actions">
            <button type="submit" className="button-primary">Save and re-index</button>
          </div>
        )}
      </form>
      <div className="panel">
        <h2>Embedding model</h2>
        <p>
          {kb.embedding.model} · {kb.embedding.dimensions} dimensions · {kb.embedding.provider}
        </p>
        <p className="muted">Fixed at creation: every stored vector was made by this model.</p>
      </div>
      <SearchPathsPanel kb={kb} />
      <div className="panel">
        <h2>Move this knowledge base</h2>
        <p className="muted">One archive with settings, documents, chunks and embeddings; importing it embeds nothing again.</p>
        <a className="button-link" href={exportUrl(workspaceId, kb.id)} download>
          Export archive
        </a>
      </div>
      {editable && (
        <div className="panel danger-zone">
          <h2>Delete</h2>
          <button
            type="button"
            className="danger"
            onClick={() => {
              if (window.confirm(`Delete ${kb.name} with all its documents?`))
                deleteKnowledgeBase(workspaceId, kb.id).then(() => navigate('/knowledge')).catch(setError);
            }}
          >
            Delete knowledge base
          </button>
        </div>
      )}
    </div>
  );
}
