/** Editor top bar: title (editable in place), save state, Run, checklist, Versions, Export, Publish. */
import { memo, useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import { errorsOf, isWarning, plural } from '../../apps/issues';
import type { Issue } from '../../apps/types';
import { TypeIcon } from '../canvas/icons';
import { shortcutLabel } from '../model/keyboard';
import type { SaveState } from '../useDraftSync';
import type { DrawerToggles } from '../useEditorPanels';

/** The save state shown next to the title, with a retry after a failed save. */
export interface SaveStatus {
  state: SaveState;
  savedAt: string | null;
  onRetry: () => void;
}

/** The checklist: the graph's issues; a click on one shows it on the canvas. Its count is the
 * errors (what stops a run or a publish); warnings are listed after them, marked as such. */
export interface ChecklistProps {
  issues: Issue[];
  validating: boolean;
  nodeTitle: (id: string) => string;
  onFocusIssue: (issue: Issue) => void;
}

/** Publishing (see src/publishing): one-click publish; the API button opens the Publish panel. */
export interface PublishButtons {
  busy: boolean;
  live: boolean;
  onPublish: () => void;
}

export interface EditorHeaderProps {
  name: string;
  canEdit: boolean;
  onRename: (name: string) => void;
  onExport: (format: 'yaml' | 'json') => void;
  onShortcuts: () => void;
  save: SaveStatus;
  checklist: ChecklistProps;
  /** The Run, Versions and API buttons open and close their drawers. */
  drawers: DrawerToggles;
  publish?: PublishButtons;
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

export function Checklist({ issues, validating, nodeTitle, onFocusIssue }: ChecklistProps) {
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
  const errors = errorsOf(issues);
  const n = errors.length;
  const warnings = issues.length - n;
  // Errors first, then warnings: what must be fixed leads.
  const listed = [...errors, ...issues.filter(isWarning)];
  const state = n ? 'has-issues' : warnings ? 'has-warnings' : 'ok';
  return (
    <div className="checklist" ref={ref}>
      <button
        type="button"
        className={`checklist-btn ${state}`}
        aria-expanded={open}
        aria-label={`Checklist: ${plural(n, 'issue')}${warnings ? `, ${plural(warnings, 'warning')}` : ''}`}
        title={n ? 'Issues to fix before running or publishing' : warnings ? 'Only warnings: the app can run and be published' : 'No issues'}
        onClick={() => setOpen((o) => !o)}
      >
        {n ? '⚠' : '✓'} Checklist <span className="count" data-testid="checklist-count">{n}</span>
        {warnings > 0 && (
          <span className="warn-count" data-testid="checklist-warnings" title={plural(warnings, 'warning')}>
            +{warnings}
          </span>
        )}
        {validating && <span className="spinner small" aria-label="Checking" />}
      </button>
      {open && (
        <div className="popover checklist-pop" role="dialog" aria-label="Checklist">
          {listed.length === 0 ? (
            <p className="muted">Everything checks out.</p>
          ) : (
            <ul>
              {listed.map((i, k) => (
                <li key={k} className={isWarning(i) ? 'is-warning' : 'is-error'}>
                  <button
                    type="button"
                    className="checklist-item"
                    onClick={() => {
                      onFocusIssue(i);
                      setOpen(false);
                    }}
                  >
                    <strong>
                      {i.node_id ? nodeTitle(i.node_id) : i.edge_id ? 'Connection' : 'App'}
                      {isWarning(i) && <span className="sev-tag">warning</span>}
                    </strong>
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
  const { save, drawers, publish } = p;
  const runOpen = drawers.open === 'run';
  const versionsOpen = drawers.open === 'versions';
  const publishOpen = drawers.open === 'publish';
  const errors = errorsOf(p.checklist.issues);
  return (
    <header className="editor-header">
      <div className="eh-left">
        <Link to="/" className="back-link" title="All apps">
          ← Apps
        </Link>
        <TitleEditor name={p.name} canEdit={p.canEdit} onRename={p.onRename} />
        <span className={`save-state save-${save.state}`} data-testid="save-state" data-state={save.state} role="status">
          {SAVE_LABEL[save.state]}
          {save.state === 'error' && (
            <button type="button" className="link-btn" onClick={save.onRetry}>
              Retry
            </button>
          )}
        </span>
      </div>
      <div className="eh-right">
        <button type="button" className="icon-btn" onClick={p.onShortcuts} aria-label="Keyboard shortcuts" title="Keyboard shortcuts (?)">
          <TypeIcon name="keyboard" />
        </button>
        <Checklist {...p.checklist} />
        <button type="button" className={runOpen ? 'active' : ''} aria-pressed={runOpen} onClick={() => drawers.toggle('run')} title={`Test run (${shortcutLabel('Ctrl+Enter')})`}>
          <TypeIcon name="play" size={14} /> Run
        </button>
        <button type="button" className={versionsOpen ? 'active' : ''} aria-pressed={versionsOpen} onClick={() => drawers.toggle('versions')} title="Version history">
          Versions
        </button>
        <ExportMenu onExport={p.onExport} />
        {publish && (
          <button
            type="button"
            className={`endpoint-btn ${publishOpen ? 'active' : ''}`}
            aria-pressed={publishOpen}
            onClick={() => drawers.toggle('publish')}
            title={`${publish.live ? 'Live. ' : ''}Endpoint, labels and rollback, API keys, web chat, API runs`}
          >
            <span className={`live-dot ${publish.live ? 'on' : ''}`} aria-hidden="true" /> API
          </button>
        )}
        <span className="publish-wrap">
          <button
            type="button"
            className="button-primary"
            onClick={publish?.onPublish}
            disabled={!publish || !p.canEdit || publish.busy}
            title={errors.length ? `Fix the ${plural(errors.length, 'checklist issue')} first` : 'Validate, save a version and serve it as production'}
          >
            {publish?.busy ? 'Publishing…' : 'Publish'}
          </button>
        </span>
      </div>
    </header>
  );
}

export const EditorHeader = memo(EditorHeaderInner);
