/** The prompt library: every prompt of the workspace with its labels and latest version; create
 * one (it opens on its first version's editor) or import a YAML export. */
import { useCallback, useEffect, useRef, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { isAbortError } from '../api/client';
import { ErrorNotice } from '../components/ErrorNotice';
import { useSession } from '../session';
import { createPrompt, importPrompt, listPrompts } from './api';
import { canBuild, LabelChips } from './parts';
import './prompts.css';
import type { PromptRow } from './types';

function CreateForm({ onCancel }: { onCancel: () => void }) {
  const { workspaceId } = useSession();
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    createPrompt(workspaceId, { name: name.trim(), description })
      .then((prompt) => navigate(`/prompts/${prompt.id}?edit=1`))
      .catch(setError)
      .finally(() => setBusy(false));
  };
  return (
    <form className="panel prompt-create" onSubmit={submit} aria-label="New prompt">
      <h2>New prompt</h2>
      <div className="form-grid">
        <label>
          Name
          <input
            required
            value={name}
            onChange={(e) => setName(e.target.value.toLowerCase())}
            placeholder="support-answer"
            pattern="[a-z0-9][a-z0-9_.\-]{0,99}"
            title="Lower-case letters, digits, '-', '_' or '.': apps refer to it as name@production"
          />
        </label>
        <label>
          Description
          <input value={description} onChange={(e) => setDescription(e.target.value)} placeholder="What it is for" />
        </label>
      </div>
      {error !== null && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
      <div className="form-actions">
        <button type="button" className="button-quiet" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="button-primary" disabled={busy || !name.trim()}>
          Create prompt
        </button>
      </div>
    </form>
  );
}

export function PromptListPage() {
  const { workspaceId, role } = useSession();
  const navigate = useNavigate();
  const [prompts, setPrompts] = useState<PromptRow[] | null>(null);
  const [query, setQuery] = useState('');
  const [creating, setCreating] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const importRef = useRef<HTMLInputElement>(null);
  const editable = canBuild(role);

  const refresh = useCallback(
    (signal?: AbortSignal) =>
      listPrompts(workspaceId, query, signal)
        .then((page) => setPrompts(page.results))
        .catch((e: unknown) => {
          if (!isAbortError(e)) setError(e);
        }),
    [workspaceId, query],
  );
  useEffect(() => {
    const controller = new AbortController();
    void refresh(controller.signal);
    return () => controller.abort();
  }, [refresh]);

  const onImport = (file: File | undefined) => {
    if (!file) return;
    file
      .text()
      .then((text) => importPrompt(workspaceId, text))
      .then((prompt) => navigate(`/prompts/${prompt.id}`))
      .catch(setError);
  };

  return (
    <section className="page prompts-page" aria-labelledby="page-title">
      <header className="prompts-header">
        <div>
          <h1 id="page-title">Prompts</h1>
          <p className="muted">Templates with declared variables, immutable versions and labels your apps use.</p>
        </div>
        <div className="prompts-actions">
          <input
            type="search"
            aria-label="Search prompts"
            placeholder="Search…"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
          />
          <Link to="/playground" className="button">
            Playground
          </Link>
          {editable && (
            <>
              <input ref={importRef} type="file" accept=".yaml,.yml" hidden onChange={(e) => onImport(e.target.files?.[0])} />
              <button type="button" onClick={() => importRef.current?.click()}>
                Import YAML
              </button>
              <button type="button" className="button-primary" onClick={() => setCreating(true)}>
                New prompt
              </button>
            </>
          )}
        </div>
      </header>
      {error !== null && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
      {creating && <CreateForm onCancel={() => setCreating(false)} />}
      {prompts === null ? (
        <p className="muted">Loading…</p>
      ) : prompts.length === 0 ? (
        <div className="empty-state">
          <p className="empty-title">{query ? 'No prompt matches' : 'No prompts yet'}</p>
          <p>Write a prompt once, version it, compare it on several models in the playground and use it in apps.</p>
        </div>
      ) : (
        <table className="prompt-table" aria-label="Prompts">
          <thead>
            <tr>
              <th>Name</th>
              <th>Labels</th>
              <th>Latest</th>
              <th>Updated</th>
            </tr>
          </thead>
          <tbody>
            {prompts.map((p) => (
              <tr key={p.id} data-testid="prompt-row">
                <td>
                  <Link to={`/prompts/${p.id}`} className="prompt-name">
                    {p.name}
                  </Link>
                  <div className="muted small">{p.description}</div>
                  {p.tags.length > 0 && (
                    <div className="prompt-tags">
                      {p.tags.map((t) => (
                        <span key={t} className="badge">
                          {t}
                        </span>
                      ))}
                    </div>
                  )}
                </td>
                <td>
                  <LabelChips labels={p.labels} />
                </td>
                <td>{p.latest_version ? `v${p.latest_version}` : '—'}</td>
                <td className="muted small">{new Date(p.updated_at).toLocaleString()}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
