/** Version history: save with a message, list, open read-only, restore, compare any two. */
import { memo, useCallback, useEffect, useState } from 'react';
import { Link } from 'react-router';
import { errorMessage } from '../../api/client';
import { diffVersions, getVersion, listVersions, restoreVersion, saveVersion } from '../../apps/api';
import type { Draft, GraphSpec, VersionDetail, VersionSummary } from '../../apps/types';
import { buildDiffModel, type DiffModel } from '../model/diffModel';
import { normalizeGraph } from '../model/graph';
import { lineagePath } from '../../lineage/api';
import { DiffList } from './DiffList';

export interface VersionsDrawerProps {
  workspaceId: string;
  appId: string;
  issuesCount: number;
  canEdit: boolean;
  viewing: number | null;
  getDraftGraph: () => GraphSpec;
  flush: () => Promise<boolean>;
  onOpen: (v: VersionDetail) => void;
  onRestored: (draft: Draft, restored: number, backup: VersionSummary | null) => void;
  onDiff: (model: DiffModel, label: string) => void;
  onFocusNode: (id: string) => void;
  onClose: () => void;
}

type Side = 'draft' | number;

function VersionsDrawerInner(p: VersionsDrawerProps) {
  const [versions, setVersions] = useState<VersionSummary[] | null>(null);
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [confirmRestore, setConfirmRestore] = useState<number | null>(null);
  const [from, setFrom] = useState<Side | ''>('');
  const [to, setTo] = useState<Side>('draft');
  const [diff, setDiff] = useState<DiffModel | null>(null);
  const { workspaceId, appId } = p;

  const refresh = useCallback(() => {
    listVersions(workspaceId, appId)
      .then((list) => {
        setVersions(list);
        setFrom((f) => (f === '' && list[0] ? list[0].number : f));
      })
      .catch(setError);
  }, [workspaceId, appId]);
  useEffect(refresh, [refresh]);

  const act = async (fn: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      await fn();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const graphOf = async (side: Side): Promise<GraphSpec> =>
    side === 'draft' ? p.getDraftGraph() : normalizeGraph((await getVersion(workspaceId, appId, side)).graph);

  const compare = () =>
    act(async () => {
      if (from === '') return;
      await p.flush();
      const [d, fg, tg] = await Promise.all([diffVersions(workspaceId, appId, String(from), String(to)), graphOf(from), graphOf(to)]);
      const model = buildDiffModel(d, fg, tg);
      setDiff(model);
      const name = (s: Side) => (s === 'draft' ? 'draft' : `v${s}`);
      p.onDiff(model, `${name(from)} → ${name(to)}`);
    });

  const blocked = p.issuesCount > 0;
  const sideOptions = (
    <>
      <option value="draft">Draft</option>
      {versions?.map((v) => (
        <option key={v.number} value={v.number}>
          v{v.number}
          {v.message ? ` — ${v.message.slice(0, 30)}` : ''}
        </option>
      ))}
    </>
  );

  return (
    <aside className="side-panel versions-panel" aria-label="Versions">
      <header className="side-head">
        <h2>Versions</h2>
        <button type="button" className="icon-btn" onClick={p.onClose} aria-label="Close versions">
          ×
        </button>
      </header>
      <div className="side-body">
        {p.canEdit && (
          <form
            className="save-version"
            onSubmit={(e) => {
              e.preventDefault();
              void act(async () => {
                if (!(await p.flush())) throw new Error('The draft could not be saved first; resolve that, then save a version.');
                const v = await saveVersion(workspaceId, appId, message.trim());
                setMessage('');
                setNotice(`Saved version ${v.number}.`);
                refresh();
              });
            }}
          >
            <label htmlFor="version-message" className="field-label">
              Version message
            </label>
            <input id="version-message" type="text" value={message} placeholder="What changed?" onChange={(e) => setMessage(e.target.value)} />
            <span title={blocked ? 'Fix the checklist issues first: a version must be runnable.' : undefined}>
              <button type="submit" className="button-primary" disabled={busy || blocked}>
                Save version
              </button>
            </span>
          </form>
        )}
        {notice && (
          <p className="notice notice-ok" role="status">
            {notice}
          </p>
        )}
        {error !== null && (
          <p className="trace-error" role="alert">
            {errorMessage(error)}
          </p>
        )}

        <h3>History</h3>
        {versions === null ? (
          <p className="muted">Loading…</p>
        ) : versions.length === 0 ? (
          <p className="muted small">No versions yet. Save one to snapshot the draft.</p>
        ) : (
          <ul className="version-list">
            {versions.map((v) => (
              <li key={v.number} className={`version-row ${p.viewing === v.number ? 'active' : ''}`}>
                <div className="version-main">
                  <strong>v{v.number}</strong>
                  {v.kind === 'backup' && <span className="badge">backup</span>}
                  <span className="version-msg">{v.message || <span className="muted">No message</span>}</span>
                </div>
                <div className="muted small">
                  {new Date(v.created_at).toLocaleString()}
                  {v.created_by ? ` · ${v.created_by}` : ''}
                </div>
                <div className="version-actions">
                  <button type="button" className="button-small" onClick={() => void act(async () => p.onOpen(await getVersion(workspaceId, appId, v.number)))}>
                    Open
                  </button>
                  <Link className="button button-small" to={lineagePath(appId, v.number)} title={`Where v${v.number}'s prompt, model and data came from`}>
                    Lineage
                  </Link>
                  {p.canEdit &&
                    (confirmRestore === v.number ? (
                      <span className="confirm-inline" role="alertdialog" aria-label={`Restore version ${v.number}?`}>
                        Replace the draft with v{v.number}?
                        <button
                          type="button"
                          className="button-small button-primary"
                          onClick={() =>
                            void act(async () => {
                              await p.flush();
                              const res = await restoreVersion(workspaceId, appId, v.number);
                              setConfirmRestore(null);
                              p.onRestored(res.draft, v.number, res.backup);
                              setNotice(
                                res.backup
                                  ? `Restored v${v.number}. Your previous draft was saved as v${res.backup.number} (backup).`
                                  : `Restored v${v.number}. Your previous draft was already saved as a version.`,
                              );
                              refresh();
                            })
                          }
                        >
                          Restore
                        </button>
                        <button type="button" className="button-small" onClick={() => setConfirmRestore(null)}>
                          Cancel
                        </button>
                      </span>
                    ) : (
                      <button type="button" className="button-small" onClick={() => setConfirmRestore(v.number)}>
                        Restore
                      </button>
                    ))}
                </div>
              </li>
            ))}
          </ul>
        )}

        <h3>Compare</h3>
        <div className="compare-row">
          <label>
            From{' '}
            <select aria-label="Compare from" value={String(from)} onChange={(e) => setFrom(e.target.value === 'draft' ? 'draft' : Number(e.target.value))}>
              {from === '' && <option value="">—</option>}
              {sideOptions}
            </select>
          </label>
          <label>
            To{' '}
            <select aria-label="Compare to" value={String(to)} onChange={(e) => setTo(e.target.value === 'draft' ? 'draft' : Number(e.target.value))}>
              {sideOptions}
            </select>
          </label>
          <button type="button" onClick={() => void compare()} disabled={busy || from === ''}>
            Compare
          </button>
        </div>
        {diff && <DiffList model={diff} onFocusNode={p.onFocusNode} />}
      </div>
    </aside>
  );
}

export const VersionsDrawer = memo(VersionsDrawerInner);
