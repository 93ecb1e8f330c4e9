/** The workspace's knowledge bases: create one, import an archive, open one. */
import { useCallback, useEffect, useRef, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { isAbortError } from '../api/client';
import { ErrorNotice } from '../components/ErrorNotice';
import { useSession } from '../session';
import { createKnowledgeBase, importArchive, listKnowledgeBases } from './api';
import './knowledge.css';
import type { KnowledgeBase } from './types';

export function canBuild(role: string): boolean {
  return role === 'owner' || role === 'builder';
}

function CreateForm({ onCreated, onCancel }: { onCreated: (kb: KnowledgeBase) => void; onCancel: () => void }) {
  const { workspaceId } = useSession();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [mode, setMode] = useState<'general' | 'parent_child'>('general');
  const [maxLength, setMaxLength] = useState(800);
  const [overlap, setOverlap] = useState(100);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    const chunking = mode === 'general' ? { mode, max_length: maxLength, overlap } : { mode, max_length: maxLength, overlap, parent_max_length: Math.max(maxLength * 4, 1200) };
    createKnowledgeBase(workspaceId, { name: name.trim(), description, chunking })
      .then(onCreated)
      .catch(setError)
      .finally(() => setBusy(false));
  };

  return (
    <form className="panel kb-create" onSubmit={submit} aria-label="New knowledge base">
      <h2>New knowledge base</h2>
      <div className="form-grid">
        <label>
          Name
          <input required value={name} onChange={(e) => setName(e.target.value)} placeholder="Company handbook" />
        </label>
        <label>
          Description
          <input value={description} onChange={(e) => setDescription(e.target.value)} placeholder="What is in it" />
        </label>
        <label>
          Chunking
          <select value={mode} onChange={(e) => setMode(e.target.value as 'general' | 'parent_child')}>
            <option value="general">General</option>
            <option value="parent_child">Parent-child (match small, return the section)</option>
          </select>
        </label>
        <label>
          Max chunk length
          <input type="number" min={50} max={8000} value={maxLength} onChange={(e) => setMaxLength(Number(e.target.value))} />
        </label>
        <label>
          Overlap
          <input type="number" min={0} max={2000} value={overlap} onChange={(e) => setOverlap(Number(e.target.value))} />
        </label>
        <div className="form-note">
          Embedding model: <strong>all-MiniLM-L6-v2</strong> (local, 384 dimensions) — fixed once created.
        </div>
      </div>
      {error !== null && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
      <div className="form-actions">
        <button type="button" className="button-quiet" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="button-primary" disabled={busy || !name.trim()}>
          Create knowledge base
        </button>
      </div>
    </form>
  );
}

export function KnowledgeListPage() {
  const { workspaceId, role } = useSession();
  const navigate = useNavigate();
  const [bases, setBases] = useState<KnowledgeBase[] | null>(null);
  const [creating, setCreating] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const importRef = useRef<HTMLInputElement>(null);
  const editable = canBuild(role);

  const refresh = useCallback(
    (signal?: AbortSignal) =>
      listKnowledgeBases(workspaceId, signal)
        .then((page) => setBases(page.results))
        .catch((e: unknown) => {
          if (!isAbortError(e)) setError(e);
        }),
    [workspaceId],
  );

  useEffect(() => {
    const controller = new AbortController();
    void refresh(controller.signal);
    return () => controller.abort();
  }, [refresh]);

  const onImport = (file: File | undefined) => {
    if (!file) return;
    importArchive(workspaceId, file)
      .then((kb) => navigate(`/knowledge/${kb.id}`))
      .catch(setError);
  };

  return (
    <section className="page kb-page" aria-labelledby="page-title">
      <header className="kb-page-header">
        <div>
          <h1 id="page-title">Knowledge</h1>
          <p className="muted">Documents your apps retrieve from. Upload, watch them index, test retrieval.</p>
        </div>
        {editable && (
          <div className="kb-actions">
            <input ref={importRef} type="file" accept=".zip" hidden onChange={(e) => onImport(e.target.files?.[0])} />
            <button type="button" onClick={() => importRef.current?.click()}>
              Import archive
            </button>
            <button type="button" className="button-primary" onClick={() => setCreating(true)}>
              New knowledge base
            </button>
          </div>
        )}
      </header>
      {error !== null && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
      {creating && (
        <CreateForm onCancel={() => setCreating(false)} onCreated={(kb) => navigate(`/knowledge/${kb.id}`)} />
      )}
      {bases === null ? (
        <p className="muted">Loading…</p>
      ) : bases.length === 0 ? (
        <div className="empty-state">
          <p className="empty-title">No knowledge bases yet</p>
          <p>Create one and drop in txt, md, html, pdf, docx, csv or jsonl files.</p>
        </div>
      ) : (
        <ul className="kb-grid" aria-label="Knowledge bases">
          {bases.map((kb) => (
            <li key={kb.id} className="kb-card">
              <Link to={`/knowledge/${kb.id}`} className="kb-card-link">
                <span className="kb-card-title">{kb.name}</span>
                <span className="kb-card-desc">{kb.description || 'No description'}</span>
                <span className="kb-card-meta">
                  <span>
                    {kb.indexed_count}/{kb.document_count} documents indexed
                  </span>
                  <span className="badge">{kb.embedding.model}</span>
                  <span className="badge">{kb.chunking.mode === 'parent_child' ? 'parent-child' : `${kb.chunking.max_length} chars`}</span>
                </span>
              </Link>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
