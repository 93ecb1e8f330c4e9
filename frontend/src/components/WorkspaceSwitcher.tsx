import { useEffect, useRef, useState } from 'react';
import { apiFetch } from '../api/client';
import type { Workspace } from '../api/types';
import { listWorkspaces, switchWorkspace } from '../api/workspaces';
import { ErrorNotice } from './ErrorNotice';

/** Creates a workspace; its creator becomes its owner. */
function createWorkspace(name: string): Promise<Workspace> {
  return apiFetch<Workspace>('/api/workspaces/', { method: 'POST', body: { name } });
}

interface Props {
  currentId: string;
  currentName: string;
  /** Called after a successful switch; reloads the page by default. */
  onSwitched?: () => void;
}

/**
 * The current workspace's name as a menu button; the menu lists the user's
 * workspaces (fetched when opened) and switching reloads the page. "New workspace…"
 * asks for a name in place, creates it and switches to it.
 */
export function WorkspaceSwitcher({ currentId, currentName, onSwitched = () => window.location.reload() }: Props) {
  const [open, setOpen] = useState(false);
  const [workspaces, setWorkspaces] = useState<Workspace[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [switchingTo, setSwitchingTo] = useState<string | null>(null);
  const [naming, setNaming] = useState(false);
  const [newName, setNewName] = useState('');
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!open) {
      setNaming(false);
      setNewName('');
      return undefined;
    }
    const controller = new AbortController();
    setError(null);
    listWorkspaces(controller.signal)
      .then(setWorkspaces)
      .catch((err: unknown) => {
        if (!controller.signal.aborted) setError(err);
      });
    const onPointerDown = (e: PointerEvent) => {
      if (root.current && !root.current.contains(e.target as Node)) setOpen(false);
    };
    const onKeyDown = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        setOpen(false);
        button.current?.focus();
      }
    };
    document.addEventListener('pointerdown', onPointerDown);
    document.addEventListener('keydown', onKeyDown);
    return () => {
      controller.abort();
      document.removeEventListener('pointerdown', onPointerDown);
      document.removeEventListener('keydown', onKeyDown);
    };
  }, [open]);

  async function choose(workspace: Workspace) {
    if (String(workspace.id) === currentId) {
      setOpen(false);
      return;
    }
    setSwitchingTo(workspace.name);
    setError(null);
    try {
      await switchWorkspace(workspace.id);
      onSwitched();
    } catch (err) {
      setError(err);
      setSwitchingTo(null);
    }
  }

  async function create(e: React.FormEvent) {
    e.preventDefault();
    const name = newName.trim();
    if (!name) return;
    setSwitchingTo(name);
    setError(null);
    try {
      const workspace = await createWorkspace(name);
      await switchWorkspace(workspace.id);
      onSwitched();
    } catch (err) {
      setError(err);
      setSwitchingTo(null);
    }
  }

  return (
    <div className="workspace-switcher" ref={root}>
      <button
        ref={button}
        type="button"
        className="workspace-button"
        aria-label={`Workspace: ${currentName || 'none'}. Switch workspace`}
        aria-haspopup="menu"
        aria-expanded={open}
        onClick={() => setOpen((v) => !v)}
      >
        <span data-testid="workspace-name">{currentName || 'No workspace'}</span>
        <span aria-hidden="true"> ▾</span>
      </button>
      {open && (
        <div className="popover">
          {workspaces === null && error === null && <p className="muted">Loading workspaces…</p>}
          {workspaces !== null && (
            <ul role="menu" aria-label="Workspaces">
              {workspaces.map((w) => {
                const current = String(w.id) === currentId;
                return (
                  <li key={String(w.id)} role="none">
                    <button
                      type="button"
                      role="menuitemradio"
                      aria-checked={current}
                      className="menu-item"
                      disabled={switchingTo !== null}
                      onClick={() => void choose(w)}
                    >
                      <span>{w.name}</span>
                      <span className="muted">{w.role}</span>
                    </button>
                  </li>
                );
              })}
            </ul>
          )}
          {workspaces?.length === 0 && <p className="muted">You are not a member of any workspace.</p>}
          {naming ? (
            <form
              className="new-workspace"
              aria-label="New workspace"
              onSubmit={(e) => void create(e)}
              style={{ display: 'grid', gap: 6, padding: 6 }}
            >
              <label htmlFor="new-workspace-name">New workspace name</label>
              <input
                id="new-workspace-name"
                autoFocus
                required
                maxLength={120}
                value={newName}
                onChange={(e) => setNewName(e.target.value)}
                placeholder="e.g. Support bots"
              />
              <div className="new-workspace-actions" style={{ display: 'flex', justifyContent: 'flex-end', gap: 6 }}>
                <button type="button" className="button-quiet" onClick={() => setNaming(false)}>
                  Cancel
                </button>
                <button type="submit" className="button-primary" disabled={!newName.trim() || switchingTo !== null}>
                  Create
                </button>
              </div>
            </form>
          ) : (
            <button
              type="button"
              className="menu-item new-workspace-item"
              disabled={switchingTo !== null}
              onClick={() => setNaming(true)}
              title="Create a workspace; you become its owner"
            >
              New workspace…
            </button>
          )}
          {switchingTo !== null && <p className="muted" role="status">Switching to {switchingTo}…</p>}
          {error !== null && <ErrorNotice error={error} />}
        </div>
      )}
    </div>
  );
}
