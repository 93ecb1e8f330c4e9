/** The workspace's apps: create, rename in place, duplicate, delete (confirmed), import, search. */
import { useCallback, useEffect, useRef, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { errorMessage, isAbortError } from '../api/client';
import { ErrorNotice } from '../components/ErrorNotice';
import { Modal } from '../components/Modal';
import { createApp, deleteApp, duplicateApp, listApps, updateApp } from './api';
import { AppLiveStatus } from './AppLiveStatus';
import { ImportDialog } from './ImportDialog';
import type { AppSummary } from './types';
import './apps.css';

export function relativeTime(iso: string, now = Date.now()): string {
  const t = new Date(iso).getTime();
  if (Number.isNaN(t)) return '';
  const s = Math.round((now - t) / 1000);
  if (s < 45) return 'just now';
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.round(m / 60);
  if (h < 24) return `${h} h ago`;
  const d = Math.round(h / 24);
  if (d < 30) return `${d} day${d === 1 ? '' : 's'} ago`;
  return new Date(iso).toLocaleDateString();
}

/** File text (FileReader where Blob.text is missing). */
function readText(file: File): Promise<string> {
  if (typeof file.text === 'function') return file.text();
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result ?? ''));
    reader.onerror = () => reject(reader.error ?? new Error('Could not read the file.'));
    reader.readAsText(file);
  });
}

function RenameInput({ app, onDone }: { app: AppSummary; onDone: (name: string | null) => void }) {
  const [value, setValue] = useState(app.name);
  return (
    <input
      autoFocus
      className="rename-input"
      aria-label={`New name for ${app.name}`}
      value={value}
      onChange={(e) => setValue(e.target.value)}
      onBlur={() => onDone(value.trim() && value.trim() !== app.name ? value.trim() : null)}
      onKeyDown={(e) => {
        if (e.key === 'Enter') onDone(value.trim() && value.trim() !== app.name ? value.trim() : null);
        if (e.key === 'Escape') onDone(null);
      }}
    />
  );
}

export function AppList({ workspaceId, canEdit }: { workspaceId: string; canEdit: boolean }) {
  const navigate = useNavigate();
  const [apps, setApps] = useState<AppSummary[] | null>(null);
  const [search, setSearch] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [creating, setCreating] = useState(false);
  const [newName, setNewName] = useState('');
  const [renaming, setRenaming] = useState<string | null>(null);
  const [confirmDelete, setConfirmDelete] = useState<AppSummary | null>(null);
  const [importing, setImporting] = useState<{ content: string; filename: string } | null>(null);
  const fileRef = useRef<HTMLInputElement>(null);

  const refresh = useCallback(
    (signal?: AbortSignal) => {
      listApps(workspaceId, search, signal)
        .then((page) => setApps(page.results))
        .catch((e: unknown) => {
          if (!isAbortError(e)) setError(e);
        });
    },
    [workspaceId, search],
  );
  useEffect(() => {
    const c = new AbortController();
    const t = setTimeout(() => refresh(c.signal), search ? 250 : 0);
    return () => {
      clearTimeout(t);
      c.abort();
    };
  }, [refresh, search]);

  const run = async (fn: () => Promise<unknown>) => {
    setError(null);
    try {
      await fn();
      refresh();
    } catch (e) {
      setError(e);
    }
  };

  return (
    <section aria-labelledby="apps-title" className="apps">
      <div className="apps-head">
        <h1 id="page-title">
          <span id="apps-title">Apps</span>
        </h1>
        <input
          type="search"
          className="apps-search"
          placeholder="Search apps"
          aria-label="Search apps"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
        />
        {canEdit && (
          <>
            <button type="button" onClick={() => fileRef.current?.click()} title="Import an app file (ours or a Dify DSL file)">
              Import
            </button>
            <input
              ref={fileRef}
              type="file"
              accept=".yaml,.yml,.json,.dsl,text/yaml,application/json"
              hidden
              data-testid="import-file"
              aria-label="Import file"
              onChange={async (e) => {
                const f = e.target.files?.[0];
                e.target.value = '';
                if (f) setImporting({ content: await readText(f), filename: f.name });
              }}
            />
            <button type="button" className="button-primary" onClick={() => setCreating(true)}>
              Create app
            </button>
          </>
        )}
      </div>

      {creating && (
        <form
          className="create-app ed-card"
          onSubmit={(e) => {
            e.preventDefault();
            if (!newName.trim()) return;
            void run(async () => {
              const app = await createApp(workspaceId, newName.trim());
              setCreating(false);
              setNewName('');
              navigate(`/apps/${app.id}`);
            });
          }}
        >
          <label htmlFor="new-app-name" className="field-label">
            App name
          </label>
          <input id="new-app-name" autoFocus value={newName} onChange={(e) => setNewName(e.target.value)} placeholder="e.g. Support answer bot" />
          <button type="submit" className="button-primary" disabled={!newName.trim()}>
            Create
          </button>
          <button type="button" onClick={() => setCreating(false)}>
            Cancel
          </button>
        </form>
      )}

      {error !== null && <ErrorNotice error={error} onDismiss={() => setError(null)} />}

      {apps === null ? (
        <p className="muted">Loading apps…</p>
      ) : apps.length === 0 ? (
        <div className="empty-state">
          <p className="empty-title">{search ? `No app matches “${search}”` : 'No apps yet'}</p>
          <p className="muted">
            {search ? 'Try another search.' : 'Create an app to build it as a node graph, or import one (Dify DSL files too).'}
          </p>
        </div>
      ) : (
        <ul className="app-list" aria-label="Apps">
          {apps.map((a) => (
            <li key={a.id} className="app-card" data-testid={`app-${a.id}`}>
              <div className="app-card-main">
                {renaming === String(a.id) ? (
                  <RenameInput
                    app={a}
                    onDone={(name) => {
                      setRenaming(null);
                      if (name) void run(() => updateApp(workspaceId, a.id, { name }));
                    }}
                  />
                ) : (
                  <Link to={`/apps/${a.id}`} className="app-name">
                    {a.name}
                  </Link>
                )}
              </div>
              <AppLiveStatus live={a.live} />
              {a.description && <p className="muted small app-desc">{a.description}</p>}
              <div className="app-meta muted small">
                <span>{a.node_count} node{a.node_count === 1 ? '' : 's'}</span>
                <span>{a.latest_version ? `latest v${a.latest_version}` : 'no version yet'}</span>
                <span title={new Date(a.updated_at).toLocaleString()}>
                  edited {relativeTime(a.updated_at)}
                  {a.updated_by ? ` by ${a.updated_by}` : ''}
                </span>
              </div>
              {canEdit && (
                <div className="app-actions">
                  <button type="button" className="button-small" onClick={() => setRenaming(String(a.id))} aria-label={`Rename ${a.name}`}>
                    Rename
                  </button>
                  <button type="button" className="button-small" onClick={() => void run(() => duplicateApp(workspaceId, a.id))} aria-label={`Duplicate ${a.name}`}>
                    Duplicate
                  </button>
                  <button type="button" className="button-small danger" onClick={() => setConfirmDelete(a)} aria-label={`Delete ${a.name}`}>
                    Delete
                  </button>
                </div>
              )}
            </li>
          ))}
        </ul>
      )}

      {confirmDelete && (
        <Modal role="alertdialog" labelledBy="del-title" onClose={() => setConfirmDelete(null)}>
          <h2 id="del-title">Delete “{confirmDelete.name}”?</h2>
          <p>Its draft, versions and run history go with it. This cannot be undone.</p>
          <footer className="modal-foot">
            <button type="button" autoFocus onClick={() => setConfirmDelete(null)}>
              Cancel
            </button>
            <button
              type="button"
              className="button-danger"
              onClick={() => {
                const target = confirmDelete;
                setConfirmDelete(null);
                void run(() => deleteApp(workspaceId, target.id)).catch((e: unknown) => setError(errorMessage(e)));
              }}
            >
              Delete app
            </button>
          </footer>
        </Modal>
      )}

      {importing && (
        <ImportDialog
          workspaceId={workspaceId}
          file={importing}
          onClose={() => setImporting(null)}
          onCreated={(app) => {
            setImporting(null);
            navigate(`/apps/${app.id}`);
          }}
        />
      )}
    </section>
  );
}
