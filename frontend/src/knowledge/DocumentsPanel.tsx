/** Upload (drag and drop or pick, several files), per-document state with live progress, retry,
 *  delete, and the chunks of a document. */
import { useCallback, useEffect, useRef, useState } from 'react';
import { ErrorNotice } from '../components/ErrorNotice';
import { useSession } from '../session';
import { deleteDocument, listDocuments, retryDocument, uploadDocuments } from './api';
import { ChunkDrawer } from './ChunkDrawer';
import { documentPercent, fileSize, isBusy } from './format';
import type { KnowledgeBase, KnowledgeDocument } from './types';
import { useKnowledgeEvents } from './useKnowledgeEvents';

const ACCEPT = '.txt,.md,.markdown,.html,.htm,.pdf,.docx,.csv,.jsonl';
const STATE_LABELS: Record<string, string> = {
  queued: 'Queued',
  parsing: 'Parsing',
  embedding: 'Embedding',
  indexed: 'Indexed',
  failed: 'Failed',
};

function DropZone({ onFiles, disabled }: { onFiles: (files: File[]) => void; disabled: boolean }) {
  const [over, setOver] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  return (
    <div
      className={`dropzone${over ? ' dropzone-over' : ''}`}
      data-testid="dropzone"
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => {
        e.preventDefault();
        setOver(false);
        if (!disabled) onFiles([...e.dataTransfer.files]);
      }}
    >
      <p className="dropzone-title">Drop files here</p>
      <p className="muted">txt, md, html, pdf, docx, csv, jsonl — several at once</p>
      <input
        ref={input}
        type="file"
        multiple
        accept={ACCEPT}
        hidden
        aria-label="Choose files to upload"
        onChange={(e) => {
          onFiles([...(e.target.files ?? [])]);
          e.target.value = '';
        }}
      />
      <button type="button" className="button-primary" disabled={disabled} onClick={() => input.current?.click()}>
        Choose files
      </button>
    </div>
  );
}

function DocumentRow({ doc, editable, onRetry, onDelete, onChunks }: {
  doc: KnowledgeDocument;
  editable: boolean;
  onRetry: () => void;
  onDelete: () => void;
  onChunks: () => void;
}) {
  const percent = documentPercent(doc);
  return (
    <tr data-testid="document-row" data-name={doc.name} data-state={doc.state}>
      <td>
        <span className="doc-name">{doc.name}</span>
        <span className="muted doc-meta">
          {doc.file_type} · {fileSize(doc.size_bytes)}
        </span>
      </td>
      <td>
        <span className={`state state-${doc.state}`} data-testid="document-state">
          {isBusy(doc) && <span className="spinner" aria-hidden="true" />}
          {STATE_LABELS[doc.state] ?? doc.state}
        </span>
        {doc.error && (
          <span className="doc-error" title={doc.error.code}>
            {doc.error.message}
          </span>
        )}
      </td>
      <td className="doc-progress">
        {percent !== null && <progress max={100} value={percent} aria-label={`${doc.name} progress`} />}
        <span className="muted">
          {doc.state === 'embedding' ? `${doc.chunks_done}/${doc.chunk_count} chunks` : doc.state === 'indexed' ? `${doc.chunk_count} chunks` : ''}
        </span>
      </td>
      <td className="doc-actions">
        <button type="button" className="button-quiet" onClick={onChunks}>
          Chunks
        </button>
        {editable && (doc.state === 'failed' || doc.state === 'indexed') && (
          <button type="button" className="button-quiet" onClick={onRetry}>
            {doc.state === 'failed' ? 'Retry' : 'Re-index'}
          </button>
        )}
        {editable && (
          <button type="button" className="button-quiet danger" onClick={onDelete} aria-label={`Delete ${doc.name}`}>
            Delete
          </button>
        )}
      </td>
    </tr>
  );
}

export function DocumentsPanel({ kb, editable }: { kb: KnowledgeBase; editable: boolean }) {
  const { workspaceId } = useSession();
  const [docs, setDocs] = useState<KnowledgeDocument[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [uploading, setUploading] = useState(false);
  const [open, setOpen] = useState<KnowledgeDocument | null>(null);

  const refresh = useCallback(
    () => listDocuments(workspaceId, kb.id).then((page) => setDocs(page.results)).catch(setError),
    [workspaceId, kb.id],
  );
  useEffect(() => void refresh(), [refresh]);

  const merge = useCallback((doc: KnowledgeDocument) => {
    setDocs((current) => {
      if (!current) return current;
      const found = current.some((d) => d.id === doc.id);
      return found ? current.map((d) => (d.id === doc.id ? { ...d, ...doc } : d)) : [doc, ...current];
    });
  }, []);

  const connection = useKnowledgeEvents(workspaceId, (event) => {
    if (event.document.knowledge_base_id === kb.id) merge(event.document);
  });

  // when live events are not flowing, poll while something is still being ingested
  const busy = docs?.some(isBusy) ?? false;
  useEffect(() => {
    if (!busy || connection === 'open') return undefined;
    const timer = setInterval(() => void refresh(), 2000);
    return () => clearInterval(timer);
  }, [busy, connection, refresh]);

  const upload = (files: File[]) => {
    if (files.length === 0) return;
    setUploading(true);
    setError(null);
    uploadDocuments(workspaceId, kb.id, files)
      .then((answer) => setDocs((current) => [...answer.documents, ...(current ?? [])]))
      .catch(setError)
      .finally(() => setUploading(false));
  };

  const act = (promise: Promise<unknown>) => promise.then(() => refresh()).catch(setError);

  return (
    <div className="kb-documents">
      {editable && <DropZone onFiles={upload} disabled={uploading} />}
      {uploading && <p className="muted">Uploading…</p>}
      {error !== null && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
      <div className="panel">
        <div className="panel-header">
          <h2>Documents</h2>
          <span className={`connection connection-${connection}`} title="Live updates">
            <span className="dot" /> {connection === 'open' ? 'live' : connection}
          </span>
        </div>
        {docs === null ? (
          <p className="muted">Loading…</p>
        ) : docs.length === 0 ? (
          <p className="muted">No documents yet.</p>
        ) : (
          <table className="doc-table">
            <thead>
              <tr>
                <th>Document</th>
                <th>State</th>
                <th>Progress</th>
                <th aria-label="Actions" />
              </tr>
            </thead>
            <tbody>
              {docs.map((doc) => (
                <DocumentRow
                  key={doc.id}
                  doc={doc}
                  editable={editable}
                  onChunks={() => setOpen(doc)}
                  onRetry={() => void act(retryDocument(workspaceId, kb.id, doc.id))}
                  onDelete={() => {
                    if (window.confirm(`Delete ${doc.name} and its chunks?`)) void act(deleteDocument(workspaceId, kb.id, doc.id));
                  }}
                />
              ))}
            </tbody>
          </table>
        )}
      </div>
      {open && <ChunkDrawer kb={kb} doc={open} onClose={() => setOpen(null)} />}
    </div>
  );
}
