/** Endpoint tab: on/off switch, URLs, labels (move, one-click rollback, A/B traffic split, new
 * label) and the audit list. */
import { useCallback, useEffect, useMemo, useState } from 'react';
import { Link } from 'react-router';
import { listVersions } from '../apps/api';
import { EvidenceLink } from '../components/EvidenceLink';
import { lineagePath } from '../lineage/api';
import { ActionFeedback } from './ActionFeedback';
import { CopyButton } from './copy';
import { deleteLabel, listLabelMoves, moveLabel, rollbackLabel, setEndpointEnabled } from './api';
import { describeMove, labelNameProblem, labelRows, relativeTime, type LabelRow } from './model';
import { LabelSplit } from './SplitTraffic';
import type { EndpointInfo, LabelMove } from './types';
import type { PublishController } from './usePublish';

interface Props {
  workspaceId: string;
  appId: string;
  canEdit: boolean;
  pub: PublishController;
  endpoint: EndpointInfo | null;
}

function UrlRow({ label, value, what }: { label: string; value: string; what: string }) {
  return (
    <div className="url-item">
      <span className="url-label">{label}</span>
      <div className="url-row">
        <code>{value}</code>
        <CopyButton text={value} what={what} />
      </div>
    </div>
  );
}

interface LabelItemProps {
  workspaceId: string;
  appId: string;
  row: LabelRow;
  canEdit: boolean;
  busy: boolean;
  act: (done: string, fn: () => Promise<unknown>) => void;
}

function LabelItem({ workspaceId, appId, row, canEdit, busy, act }: LabelItemProps) {
  const [confirm, setConfirm] = useState<'rollback' | 'delete' | null>(null);
  const [target, setTarget] = useState<string>('');
  return (
    <li className="label-row" data-testid={`label-${row.name}`} data-version={row.version}>
      <div className="label-main">
        <span className={`label-name ${row.isProduction ? 'prod' : ''}`}>{row.name}</span>
        <span className="label-arrow" aria-hidden="true">→</span>
        <strong className="label-version" data-testid={`label-${row.name}-version`}>
          v{row.version}
        </strong>
        <Link className="small" to={lineagePath(appId, row.version)} title={`Where v${row.version} came from`}>
          lineage
        </Link>
        {row.latest ? <span className="badge">latest</span> : <span className="badge badge-warn" title="A newer version exists">behind</span>}
        <span className="muted small label-when" title={new Date(row.updatedAt).toLocaleString()}>
          {row.updatedBy ? `${row.updatedBy} · ` : ''}
          {relativeTime(row.updatedAt)}
        </span>
      </div>
      {canEdit && (
        <div className="label-actions">
          {confirm === 'rollback' && row.rollbackTo !== null ? (
            <span className="confirm-inline" role="alertdialog" aria-label={`Roll ${row.name} back to v${row.rollbackTo}?`}>
              Point {row.name} back at v{row.rollbackTo}? Calls switch at once.
              <button
                type="button"
                className="button-small button-primary"
                disabled={busy}
                onClick={() => {
                  setConfirm(null);
                  act(`Rolled ${row.name} back to v${row.rollbackTo}.`, () => rollbackLabel(workspaceId, appId, row.name));
                }}
              >
                Confirm rollback
              </button>
              <button type="button" className="button-small" onClick={() => setConfirm(null)}>
                Cancel
              </button>
            </span>
          ) : confirm === 'delete' ? (
            <span className="confirm-inline" role="alertdialog" aria-label={`Delete label ${row.name}?`}>
              Delete {row.name}? Calls through it will fail.
              <button
                type="button"
                className="button-small button-danger"
                disabled={busy}
                onClick={() => {
                  setConfirm(null);
                  act(`Deleted ${row.name}.`, () => deleteLabel(workspaceId, appId, row.name));
                }}
              >
                Delete
              </button>
              <button type="button" className="button-small" onClick={() => setConfirm(null)}>
                Cancel
              </button>
            </span>
          ) : (
            <>
              <button
                type="button"
                className="button-small"
                disabled={busy || row.rollbackTo === null}
                onClick={() => setConfirm('rollback')}
                title={row.rollbackTo === null ? 'No earlier version to go back to' : `Point ${row.name} back at v${row.rollbackTo}`}
              >
                ↶ Roll back{row.rollbackTo !== null ? ` to v${row.rollbackTo}` : ''}
              </button>
              <span className="move-group">
                <select aria-label={`Move ${row.name} to version`} value={target} onChange={(e) => setTarget(e.target.value)} disabled={busy || !row.moveChoices.length}>
                  <option value="">Move to…</option>
                  {row.moveChoices.map((v) => (
                    <option key={v} value={v}>
                      v{v}
                    </option>
                  ))}
                </select>
                <button
                  type="button"
                  className="button-small"
                  disabled={busy || !target}
                  onClick={() => {
                    const v = Number(target);
                    setTarget('');
                    act(`Moved ${row.name} to v${v}.`, () => moveLabel(workspaceId, appId, row.name, v));
                  }}
                >
                  Move
                </button>
              </span>
              {!row.isProduction && (
                <button type="button" className="button-small danger" disabled={busy} onClick={() => setConfirm('delete')} aria-label={`Delete label ${row.name}`}>
                  Delete
                </button>
              )}
            </>
          )}
        </div>
      )}
      <LabelSplit workspaceId={workspaceId} appId={appId} row={row} canEdit={canEdit} busy={busy} act={act} />
    </li>
  );
}

export function EndpointTab({ workspaceId, appId, canEdit, pub, endpoint }: Props) {
  const [moves, setMoves] = useState<LabelMove[]>([]);
  const [versions, setVersions] = useState<number[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [confirmOff, setConfirmOff] = useState(false);
  const [newName, setNewName] = useState('');
  const [newVersion, setNewVersion] = useState('');
  const state = pub.state;
  const { revision, refresh } = pub;

  useEffect(() => {
    listLabelMoves(workspaceId, appId).then(setMoves, setError);
    listVersions(workspaceId, appId).then((vs) => setVersions(vs.map((v) => v.number)), setError);
  }, [workspaceId, appId, revision]);

  const rows = useMemo(() => (state ? labelRows(state, moves, versions) : []), [state, moves, versions]);

  const act = useCallback(
    (done: string, fn: () => Promise<unknown>) => {
      setBusy(true);
      setError(null);
      setNotice(null);
      fn()
        .then(async () => {
          await refresh();
          setNotice(done);
        })
        .catch(setError)
        .finally(() => setBusy(false));
    },
    [refresh],
  );

  const setEnabled = (enabled: boolean) => {
    setConfirmOff(false);
    setBusy(true);
    setError(null);
    setEndpointEnabled(workspaceId, appId, enabled)
      .then((s) => {
        pub.setState(s);
        setNotice(enabled ? 'The endpoint is on.' : 'The endpoint is off: calls answer 404 until you turn it back on.');
      })
      .catch(setError)
      .finally(() => setBusy(false));
  };

  if (!state) return <p className="muted">Loading…</p>;
  const hasProduction = state.production_version !== null;
  const nameProblem = newName ? labelNameProblem(newName, rows.map((r) => r.name)) : null;

  return (
    <div className="endpoint-tab">
      <section className={`pub-card ${state.published ? 'is-live' : ''}`} aria-label="Endpoint status">
        <div className="pub-card-head">
          <span className={`live-dot ${state.published ? 'on' : ''}`} aria-hidden="true" />
          <div className="pub-card-title">
            {!hasProduction ? (
              <>
                <strong>Not published yet</strong>
                <span className="muted small">Click Publish in the top bar: the draft is validated, saved as a version and served at once.</span>
              </>
            ) : state.enabled ? (
              <>
                <strong>Live — production serves v{state.production_version}</strong>
                <span className="muted small">
                  {state.latest_version !== null && state.latest_version > (state.production_version ?? 0)
                    ? `v${state.latest_version} is the newest version.`
                    : 'Publishing again makes a new version and moves production to it.'}
                </span>
              </>
            ) : (
              <>
                <strong>Endpoint off</strong>
                <span className="muted small">Calls answer 404 (app_not_found). Labels and keys are kept.</span>
              </>
            )}
          </div>
          {hasProduction && canEdit && (
            <button
              type="button"
              role="switch"
              aria-checked={state.enabled}
              aria-label="Endpoint enabled"
              className={`switch ${state.enabled ? 'on' : ''}`}
              disabled={busy}
              onClick={() => (state.enabled ? setConfirmOff(true) : setEnabled(true))}
              title={state.enabled ? 'Turn the endpoint off' : 'Turn the endpoint on'}
            >
              <span className="switch-knob" />
            </button>
          )}
        </div>
        {confirmOff && (
          <div className="confirm-inline pub-confirm" role="alertdialog" aria-label="Turn the endpoint off?">
            Turn the endpoint off? Every call will fail until you turn it back on.
            <button type="button" className="button-small button-danger" onClick={() => setEnabled(false)}>
              Turn off
            </button>
            <button type="button" className="button-small" onClick={() => setConfirmOff(false)}>
              Cancel
            </button>
          </div>
        )}
        {endpoint && (
          <div className="url-list">
            <UrlRow label="Run (JSON or SSE) · POST" value={endpoint.run_url} what="run URL" />
            <UrlRow label="OpenAI-compatible base URL" value={endpoint.base_url} what="base URL" />
            <UrlRow label="Model name" value={endpoint.model} what="model name" />
          </div>
        )}
      </section>

      <ActionFeedback notice={notice} error={error} testId="publish-notice" />

      <h3>Labels</h3>
      {rows.length === 0 ? (
        <p className="muted small">No labels yet. Publishing creates production; add others such as staging to test a version before it goes live.</p>
      ) : (
        <ul className="label-list">
          {rows.map((r) => (
            <LabelItem key={r.name} workspaceId={workspaceId} appId={appId} row={r} canEdit={canEdit} busy={busy} act={act} />
          ))}
        </ul>
      )}
      {canEdit && versions.length > 0 && (
        <form
          className="new-label"
          onSubmit={(e) => {
            e.preventDefault();
            if (nameProblem || !newName || !newVersion) return;
            const name = newName;
            const v = Number(newVersion);
            setNewName('');
            act(`Created ${name} at v${v}.`, () => moveLabel(workspaceId, appId, name, v));
          }}
        >
          <input aria-label="New label name" placeholder="e.g. staging" value={newName} onChange={(e) => setNewName(e.target.value.trim())} />
          <select aria-label="New label version" value={newVersion} onChange={(e) => setNewVersion(e.target.value)}>
            <option value="">Version…</option>
            {[...versions].sort((a, b) => b - a).map((v) => (
              <option key={v} value={v}>
                v{v}
              </option>
            ))}
          </select>
          <button type="submit" className="button-small" disabled={busy || !newName || !newVersion || !!nameProblem}>
            Add label
          </button>
          {nameProblem && <p className="field-help warn">{nameProblem}</p>}
        </form>
      )}
      {endpoint && rows.some((r) => !r.isProduction) && (
        <p className="muted small">
          Call a label with <code>{`"label": "staging"`}</code> in the run body, or <code>{`${endpoint.model}@staging`}</code> as the OpenAI model.
        </p>
      )}

      <h3>Audit</h3>
      {moves.length === 0 ? (
        <p className="muted small">Every publish, move and rollback is listed here: who, when, from, to.</p>
      ) : (
        <ol className="audit-list" data-testid="label-audit">
          {moves.map((m, i) => (
            <li key={i} className={`audit-item kind-${m.kind}`}>
              <span className={`audit-kind kind-${m.kind}`}>{m.kind}</span>
              <span className="audit-what">
                {describeMove(m)}
                <EvidenceLink evidence={m.evidence} />
              </span>
              <span className="muted small audit-who" title={new Date(m.moved_at).toLocaleString()}>
                {m.moved_by ?? 'someone'} · {relativeTime(m.moved_at)}
              </span>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
