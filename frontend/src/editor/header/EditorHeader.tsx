/** Editor top bar: title (editable in place), save state, Run, checklist, Versions, Export, Publish. */
import { memo, useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import type { Issue } from '../../apps/types';
import { TypeIcon } from '../canvas/icons';
import { shortcutLabel } from '../model/keyboard';
import type { SaveState } from '../useDraftSync';

export interface EditorHeaderProps {
  name: string;
  canEdit: boolean;
  saveState: SaveState;
  savedAt: string | null;
  issues: Issue[];
  validating: boolean;
  nodeTitle: (id: string) => string;
  runOpen: boolean;
  versionsOpen: boolean;
  onRename: (name: string) => void;
  onRun: () => void;
  onVersions: () => void;
  onExport: (format: 'yaml' | 'json') => void;
  onFocusIssue: (issue: Issue) => void;
  onShortcuts: () => void;
  onRetrySave: () => void;
  /** Publishing (see src/publishing): one-click publish and the Publish panel. */
  publishOpen?: boolean;
  publishBusy?: boolean;
  live?: boolean;
  onPublish?: () => void;
  onPublishPanel?: () => void;
}

const SAVE_LABEL: Record<SaveState, string> = {
  saved: 'Saved',
  dirty: 'Unsaved changes',
  saving: 'Saving…',
  error: 'Not saved',
  conflict: 'Not saved: conflict',
};

function TitleEditor({ name, canEdit, onRename }: { name: string; canEdit: boolean; onRename: (n: string) => void }) {
  const [editing, setEditing] = useState(false);
  const [value, setValue] = useState(name);
  useEffect(() => setValue(name), [name]);
  if (!editing) {
    return (
      <button
        type="button"
        className="app-title"
        onClick={() => canEdit && setEditing(true)}
        title={canEdit ? 'Rename' : undefined}
        aria-label={`App name: ${name}${canEdit ? ' (click to rename)' : ''}`}
        data-testid="app-title"
      >
        {name || 'Untitled app'}
      </button>
    );
  }
  const commit = () => {
    setEditing(false);
    const v = value.trim();
    if (v && v !== name) onRename(v);
    else setValue(name);
  };
  return (
    <input
      className="app-title-input"
      aria-label="App name"
      autoFocus
      value={value}
      onChange={(e) => setValue(e.target.value)}
      onBlur={commit}
      onKeyDown={(e) => {
        if (e.key === 'Enter') commit();
        if (e.key === 'Escape') {
          setValue(name);
          setEditing(false);
        }
      }}
    />
  );
}

function Checklist({ issues, validating, nodeTitle, onFocusIssue }: Pick<EditorHeaderProps, 'issues' | 'validating' | 'nodeTitle' | 'onFocusIssue'>) {
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return undefined;
    const onDown = (e: MouseEvent) => {
      if (ref.current && !ref.current.contains(e.target as Node)) setOpen(false);
    };
    window.addEventListener('mousedown', onDown);
    return () => window.removeEventListener('mousedown', onDown);
  }, [open]);
  const n = issues.length;
  return (
    <div className="checklist" ref={ref}>
      <button
        type="button"
        className={`checklist-btn ${n ? 'has-issues' : 'ok'}`}
        aria-expanded={open}
        aria-label={`Checklist: ${n} issue${n === 1 ? '' : 's'}`}
        title={n ? 'Issues to fix before running or publishing' : 'No issues'}
        onClick={() => setOpen((o) => !o)}
      >
        {n ? '⚠' : '✓'} Checklist <span className="count" data-testid="checklist-count">{n}</span>
        {validating && <span className="spinner small" aria-label="Checking" />}
      </button>
      {open && (
        <div className="popover checklist-pop" role="dialog" aria-label="Checklist">
          {n === 0 ? (
            <p className="muted">Everything checks out.</p>
          ) : (
            <ul>
              {issues.map((i, k) => (
                <li key={k}>
                  <button
                    type="button"
                    className="checklist-item"
                    onClick={() => {
                      onFocusIssue(i);
                      setOpen(false);
                    }}
                  >
                    <strong>{i.node_id ? nodeTitle(i.node_id) : i.edge_id ? 'Connection' : 'App'}</strong>
                    <span>{i.message}</span>
                    {i.field && <code>{i.field}</code>}
                  </button>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}

function ExportMenu({ onExport }: { onExport: (f: 'yaml' | 'json') => void }) {
  const [open, setOpen] = useState(false);
  return (
    <div className="menu-wrap" onBlur={(e) => !e.currentTarget.contains(e.relatedTarget) && setOpen(false)}>
      <button type="button" aria-haspopup="menu" aria-expanded={open} onClick={() => setOpen((o) => !o)} title="Download the app as a file">
        Export
      </button>
      {open && (
        <div className="popover menu-right" role="menu">
          <button type="button" role="menuitem" className="menu-item" onClick={() => (setOpen(false), onExport('yaml'))}>
            YAML (.yaml)
          </button>
          <button type="button" role="menuitem" className="menu-item" onClick={() => (setOpen(false), onExport('json'))}>
            JSON (.json)
          </button>
        </div>
      )}
    </div>
  );
}

function EditorHeaderInner(p: EditorHeaderProps) {
  return (
    <header className="editor-header">
      <div className="eh-left">
        <Link to="/" className="back-link" title="All apps">
          ← Apps
        </Link>
        <TitleEditor name={p.name} canEdit={p.canEdit} onRename={p.onRename} />
        <span className={`save-state save-${p.saveState}`} data-testid="save-state" data-state={p.saveState} role="status">
          {SAVE_LABEL[p.saveState]}
          {p.saveState === 'error' && (
            <button type="button" className="link-btn" onClick={p.onRetrySave}>
              Retry
            </button>
          )}
        </span>
      </div>
      <div className="eh-right">
        <button type="button" className="icon-btn" onClick={p.onShortcuts} aria-label="Keyboard shortcuts" title="Keyboard shortcuts (?)">
          <TypeIcon name="keyboard" />
        </button>
        <Checklist issues={p.issues} validating={p.validating} nodeTitle={p.nodeTitle} onFocusIssue={p.onFocusIssue} />
        <button type="button" className={p.runOpen ? 'active' : ''} aria-pressed={p.runOpen} onClick={p.onRun} title={`Test run (${shortcutLabel('Ctrl+Enter')})`}>
          <TypeIcon name="play" size={14} /> Run
        </button>
        <button type="button" className={p.versionsOpen ? 'active' : ''} aria-pressed={p.versionsOpen} onClick={p.onVersions} title="Version history">
          Versions
        </button>
        <ExportMenu onExport={p.onExport} />
        {p.onPublishPanel && (
          <button
            type="button"
            className={`endpoint-btn ${p.publishOpen ? 'active' : ''}`}
            aria-pressed={!!p.publishOpen}
            onClick={p.onPublishPanel}
            title={`${p.live ? 'Live. ' : ''}Endpoint, labels and rollback, API keys, web chat, API runs`}
          >
            <span className={`live-dot ${p.live ? 'on' : ''}`} aria-hidden="true" /> API
          </button>
        )}
        <span className="publish-wrap">
          <button
            type="button"
            className="button-primary"
            onClick={p.onPublish}
            disabled={!p.onPublish || !p.canEdit || p.publishBusy}
            title={p.issues.length ? `Fix the ${p.issues.length} checklist issue(s) first` : 'Validate, save a version and serve it as production'}
          >
            {p.publishBusy ? 'Publishing…' : 'Publish'}
          </button>
        </span>
      </div>
    </header>
  );
}

export const EditorHeader = memo(EditorHeaderInner);
