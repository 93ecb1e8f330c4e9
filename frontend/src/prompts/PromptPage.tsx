/** One prompt: its versions, the version in view (or the editor of a new one, or the diff of two),
 * its labels with one-click rollback and the audit list of every move. */
import { useCallback, useEffect, useMemo, useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import type { ModelOption } from '../apps/types';
import { ErrorNotice } from '../components/ErrorNotice';
import { EvidenceLink } from '../components/EvidenceLink';
import { TextDiff } from '../editor/versions/TextDiff';
import { useSession } from '../session';
import {
  deletePrompt,
  exportUrl,
  getPrompt,
  getVersion,
  labelMoves,
  listModels,
  pushVersion,
  rollbackLabel,
  setLabel,
  versionDiff,
} from './api';
import { canBuild, LabelChips } from './parts';
import './prompts.css';
import type { LabelMove, PromptDetail, PromptVersion, PushWarning, VersionContent, VersionDiff } from './types';
import { VersionEditor } from './VersionEditor';
import { VersionView } from './VersionView';

const EMPTY: VersionContent = {
  messages: [
    { role: 'system', template: 'You are a helpful assistant.' },
    { role: 'user', template: '{{ question }}' },
  ],
  variables: [{ name: 'question', type: 'text' }],
  model: { provider: 'local', model: '' },
  commit_message: '',
};

function DiffView({ diff }: { diff: VersionDiff }) {
  return (
    <div className="prompt-diff" data-testid="prompt-diff">
      <h3>
        v{diff.from.number} → v{diff.to.number}
      </h3>
      {diff.messages.map((m) => (
        <div key={m.index} className={`diff-message ${m.changed ? 'changed' : ''}`}>
          <p className="small">
            Message {m.index + 1} ({m.to?.role ?? m.from?.role}){m.changed ? '' : ' — unchanged'}
          </p>
          {m.changed && <TextDiff before={m.from?.template ?? ''} after={m.to?.template ?? ''} />}
        </div>
      ))}
      <h3>Parameters</h3>
      {diff.parameters.length === 0 ? (
        <p className="muted">No model parameter changed.</p>
      ) : (
        <table className="variables-table" aria-label="Changed parameters">
          <thead>
            <tr>
              <th>Parameter</th>
              <th>v{diff.from.number}</th>
              <th>v{diff.to.number}</th>
            </tr>
          </thead>
          <tbody>
            {diff.parameters.map((p) => (
              <tr key={p.field}>
                <td>{p.field}</td>
                <td>{p.from === null || p.from === undefined ? '—' : JSON.stringify(p.from)}</td>
                <td>{p.to === null || p.to === undefined ? '—' : JSON.stringify(p.to)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {diff.variables.length > 0 && (
        <p className="small">
          Variables changed: {diff.variables.map((v) => <code key={v.name}>{v.name} </code>)}
        </p>
      )}
    </div>
  );
}

function LabelsPanel({
  prompt,
  moves,
  viewing,
  editable,
  onChanged,
  onError,
}: {
  prompt: PromptDetail;
  moves: LabelMove[];
  viewing: number | null;
  editable: boolean;
  onChanged: () => void;
  onError: (e: unknown) => void;
}) {
  const { workspaceId } = useSession();
  const [name, setName] = useState('production');
  return (
    <aside className="labels-panel" aria-label="Labels">
      <h2>Labels</h2>
      <p className="muted small">
        Apps use <code>{prompt.name}@production</code>; <code>latest</code> is always v{prompt.latest_version ?? '—'}.
      </p>
      <ul className="label-list">
        {Object.entries(prompt.labels).map(([label, version]) => (
          <li key={label}>
            <span className={`badge label-chip label-${label}`}>{label}</span> v{version}
            {editable && (
              <button
                type="button"
                className="button-small"
                onClick={() => rollbackLabel(workspaceId, prompt.id, label).then(onChanged).catch(onError)}
                title="Back to the version it pointed at before its last move"
              >
                Roll back
              </button>
            )}
          </li>
        ))}
      </ul>
      {editable && viewing !== null && (
        <form
          className="label-set"
          onSubmit={(e) => {
            e.preventDefault();
            setLabel(workspaceId, prompt.id, name.trim(), viewing).then(onChanged).catch(onError);
          }}
        >
          <input aria-label="Label name" list="label-names" value={name} onChange={(e) => setName(e.target.value)} />
          <datalist id="label-names">
            <option value="production" />
            <option value="staging" />
          </datalist>
          <button type="submit" className="button-small">
            Point at v{viewing}
          </button>
        </form>
      )}
      <h3>History</h3>
      <ol className="move-list" aria-label="Label moves">
        {moves.map((m, i) => (
          <li key={i} className="small">
            <strong>{m.label}</strong> {m.from_version === null ? 'set to' : `v${m.from_version} →`}{' '}
            {m.to_version === null ? 'removed' : `v${m.to_version}`} · {m.moved_by?.username ?? 'someone'} ·{' '}
            {new Date(m.moved_at).toLocaleString()}
            <EvidenceLink evidence={m.evidence} />
          </li>
        ))}
      </ol>
    </aside>
  );
}

export function PromptPage() {
  const { promptId = '' } = useParams();
  const { workspaceId, role } = useSession();
  const navigate = useNavigate();
  const [search, setSearch] = useSearchParams();
  const [prompt, setPrompt] = useState<PromptDetail | null>(null);
  const [version, setVersion] = useState<PromptVersion | null>(null);
  const [moves, setMoves] = useState<LabelMove[]>([]);
  const [models, setModels] = useState<ModelOption[]>([]);
  const [diff, setDiff] = useState<VersionDiff | null>(null);
  const [warnings, setWarnings] = useState<PushWarning[]>([]);
  const [error, setError] = useState<unknown>(null);
  const editable = canBuild(role);
  const editing = search.get('edit') === '1';
  const compareWith = search.get('compare');
  const wanted = Number(search.get('v')) || prompt?.latest_version || null;

  const reload = useCallback(() => {
    getPrompt(workspaceId, promptId).then(setPrompt).catch(setError);
    labelMoves(workspaceId, promptId)
      .then((page) => setMoves(page.results))
      .catch(setError);
  }, [workspaceId, promptId]);
  useEffect(reload, [reload]);
  useEffect(() => {
    listModels(workspaceId).then(setModels).catch(setError);
  }, [workspaceId]);
  useEffect(() => {
    if (!wanted) {
      setVersion(null);
      return;
    }
    getVersion(workspaceId, promptId, wanted).then(setVersion).catch(setError);
  }, [workspaceId, promptId, wanted]);
  useEffect(() => {
    if (!compareWith || !wanted) {
      setDiff(null);
      return;
    }
    versionDiff(workspaceId, promptId, Number(compareWith), wanted).then(setDiff).catch(setError);
  }, [workspaceId, promptId, compareWith, wanted]);

  const initial: VersionContent = useMemo(() => {
    if (!version) return { ...EMPTY, model: { provider: models[0]?.provider ?? 'local', model: models[0]?.model ?? '' } };
    return { messages: version.messages, variables: version.variables, model: version.model, commit_message: '' };
  }, [version, models]);

  const select = (patch: Record<string, string | null>) => {
    const next = new URLSearchParams(search);
    for (const [k, v] of Object.entries(patch)) {
      if (v === null) next.delete(k);
      else next.set(k, v);
    }
    setSearch(next);
  };

  if (!prompt) {
    return (
      <section className="page">
        {error !== null ? <ErrorNotice error={error} /> : <p className="muted">Loading…</p>}
      </section>
    );
  }

  return (
    <section className="page prompt-page" aria-labelledby="page-title">
      <header className="prompts-header">
        <div>
          <p className="small">
            <Link to="/prompts">Prompts</Link> /
          </p>
          <h1 id="page-title">{prompt.name}</h1>
          <p className="muted">{prompt.description}</p>
        </div>
        <div className="prompts-actions">
          {wanted && (
            <Link className="button" to={`/playground?prompt=${prompt.id}&version=${wanted}`}>
              Open in playground
            </Link>
          )}
          <a className="button" href={exportUrl(workspaceId, prompt.id)} download>
            Export YAML
          </a>
          {editable && (
            <>
              <button type="button" className="button-primary" onClick={() => select({ edit: '1', compare: null })}>
                New version
              </button>
              <button
                type="button"
                className="button-danger-quiet"
                onClick={() => {
                  if (window.confirm(`Delete ${prompt.name} and its ${prompt.version_count} versions? Published apps keep the versions they pinned.`)) {
                    deletePrompt(workspaceId, prompt.id).then(() => navigate('/prompts')).catch(setError);
                  }
                }}
              >
                Delete
              </button>
            </>
          )}
        </div>
      </header>
      {error !== null && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
      {warnings.length > 0 && (
        <ul className="notice-warning" aria-label="Warnings of the saved version">
          {warnings.map((w, i) => (
            <li key={i}>{w.message}</li>
          ))}
        </ul>
      )}
      <div className="prompt-layout">
        <nav className="version-list" aria-label="Versions">
          <h2>Versions</h2>
          {prompt.versions.length === 0 && <p className="muted small">No version yet.</p>}
          <ul>
            {prompt.versions.map((v) => (
              <li key={v.number}>
                <button
                  type="button"
                  className={`version-item ${v.number === wanted && !editing ? 'active' : ''}`}
                  onClick={() => select({ v: String(v.number), edit: null })}
                  data-testid={`version-${v.number}`}
                >
                  <strong>v{v.number}</strong> {v.labels.map((l) => <span key={l} className={`badge label-chip label-${l}`}>{l}</span>)}
                  <span className="small muted">{v.commit_message || 'no message'}</span>
                  <span className="small muted">
                    {v.created_by?.username ?? ''} · {new Date(v.created_at).toLocaleDateString()}
                  </span>
                </button>
              </li>
            ))}
          </ul>
        </nav>
        <div className="version-main">
          {editing || prompt.versions.length === 0 ? (
            editable ? (
              <VersionEditor
                key={version?.number ?? 0}
                initial={initial}
                models={models}
                onCancel={() => select({ edit: null })}
                onSave={async (content) => {
                  const saved = await pushVersion(workspaceId, prompt.id, content);
                  setWarnings(saved.warnings);
                  reload();
                  select({ v: String(saved.number), edit: null });
                  return saved.warnings;
                }}
              />
            ) : (
              <p className="muted">This prompt has no version yet.</p>
            )
          ) : (
            <>
              {prompt.versions.length > 1 && wanted && (
                <label className="compare-select">
                  Compare with{' '}
                  <select value={compareWith ?? ''} onChange={(e) => select({ compare: e.target.value || null })}>
                    <option value="">—</option>
                    {prompt.versions
                      .filter((v) => v.number !== wanted)
                      .map((v) => (
                        <option key={v.number} value={v.number}>
                          v{v.number}
                        </option>
                      ))}
                  </select>
                </label>
              )}
              {diff ? <DiffView diff={diff} /> : version ? <VersionView version={version} /> : <p className="muted">Loading…</p>}
            </>
          )}
        </div>
        <LabelsPanel
          prompt={prompt}
          moves={moves}
          viewing={editing ? null : wanted}
          editable={editable}
          onChanged={reload}
          onError={setError}
        />
      </div>
      <p className="small muted">
        Labels: <LabelChips labels={prompt.labels} />
      </p>
    </section>
  );
}
