/** One knowledge base: documents, retrieval test and settings as tabs (kept in the URL). */
import { useEffect, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { isAbortError } from '../api/client';
import { ErrorNotice } from '../components/ErrorNotice';
import { useSession } from '../session';
import { getKnowledgeBase } from './api';
import { DocumentsPanel } from './DocumentsPanel';
import { canBuild } from './KnowledgeListPage';
import './knowledge.css';
import { RetrievalTest } from './RetrievalTest';
import { SettingsPanel } from './SettingsPanel';
import type { KnowledgeBase } from './types';

const TABS = [
  ['documents', 'Documents'],
  ['retrieval', 'Retrieval test'],
  ['settings', 'Settings'],
] as const;

export function KnowledgeBasePage() {
  const { kbId = '' } = useParams();
  const { workspaceId, role } = useSession();
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') ?? 'documents';
  const [kb, setKb] = useState<KnowledgeBase | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    const controller = new AbortController();
    getKnowledgeBase(workspaceId, kbId, controller.signal)
      .then(setKb)
      .catch((e: unknown) => {
        if (!isAbortError(e)) setError(e);
      });
    return () => controller.abort();
  }, [workspaceId, kbId]);

  if (error) return <ErrorNotice error={error} />;
  if (!kb) return <p className="muted">Loading…</p>;
  const editable = canBuild(role);

  return (
    <section className="page kb-page" aria-labelledby="page-title">
      <nav className="breadcrumbs" aria-label="Breadcrumbs">
        <Link to="/knowledge">Knowledge</Link> <span aria-hidden="true">/</span> <span>{kb.name}</span>
      </nav>
      <header className="kb-page-header">
        <div>
          <h1 id="page-title">{kb.name}</h1>
          <p className="muted">
            {kb.description || 'No description'} · <span className="badge">{kb.embedding.model}</span>{' '}
            <span className="badge">{kb.chunking.mode === 'parent_child' ? 'parent-child' : 'general'} chunks ≤ {kb.chunking.max_length}</span>
          </p>
        </div>
      </header>
      <div className="tabs" role="tablist">
        {TABS.map(([id, label]) => (
          <button
            key={id}
            role="tab"
            type="button"
            aria-selected={tab === id}
            className={`tab${tab === id ? ' tab-active' : ''}`}
            onClick={() => setParams({ tab: id })}
          >
            {label}
          </button>
        ))}
      </div>
      {tab === 'documents' && <DocumentsPanel kb={kb} editable={editable} />}
      {tab === 'retrieval' && <RetrievalTest kb={kb} />}
      {tab === 'settings' && <SettingsPanel kb={kb} editable={editable} onSaved={setKb} />}
    </section>
  );
}
