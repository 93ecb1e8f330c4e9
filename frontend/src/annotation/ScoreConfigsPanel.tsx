/** Score configs (builders): the workspace's scales — categorical, numeric, yes/no, free text —
 * created with a description for reviewers, archived when done; deleting one that scores use is
 * refused by the API, whose message is shown. */
import { useCallback, useEffect, useState } from 'react';
import { ErrorNotice } from '../components/ErrorNotice';
import { useSession } from '../session';
import { createScoreConfig, deleteScoreConfig, listScoreConfigs, updateScoreConfig } from './api';
import { scaleText } from './parts';
import type { ScoreConfig, ScoreConfigInput, ScoreKind } from './types';

const KINDS: [ScoreKind, string][] = [
  ['categorical', 'Categorical'],
  ['numeric', 'Numeric'],
  ['boolean', 'Yes / no'],
  ['text', 'Free text'],
];

interface Draft {
  name: string;
  kind: ScoreKind;
  description: string;
  options: string;
  min: string;
  max: string;
  step: string;
}
const EMPTY: Draft = { name: '', kind: 'categorical', description: '', options: '', min: '1', max: '5', step: '1' };

const num = (text: string) => (text.trim() === '' ? null : Number(text));

/** The form's text as the API's input: options one per line (or comma separated). */
export function configInput(d: Draft): ScoreConfigInput {
  return {
    name: d.name.trim(),
    kind: d.kind,
    description: d.description.trim(),
    options: d.kind === 'categorical' ? d.options.split(/[\n,]/).map((o) => o.trim()).filter(Boolean) : [],
    min: d.kind === 'numeric' ? num(d.min) : null,
    max: d.kind === 'numeric' ? num(d.max) : null,
    step: d.kind === 'numeric' ? num(d.step) : null,
  };
}

function NewConfigForm({ onCreated, onError }: { onCreated: () => void; onError: (e: unknown) => void }) {
  const { workspaceId } = useSession();
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const set = (patch: Partial<Draft>) => setDraft((d) => ({ ...d, ...patch }));
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    createScoreConfig(workspaceId, configInput(draft))
      .then(() => {
        setDraft(EMPTY);
        onCreated();
      })
      .catch(onError);
  };
  return (
    <form className="ann-config-form" onSubmit={submit} aria-label="New score config">
      <label>
        Name
        <input value={draft.name} onChange={(e) => set({ name: e.target.value })} placeholder="Correct" />
      </label>
      <label>
        Kind
        <select value={draft.kind} onChange={(e) => set({ kind: e.target.value as ScoreKind })}>
          {KINDS.map(([value, text]) => (
            <option key={value} value={value}>
              {text}
            </option>
          ))}
        </select>
      </label>
      {draft.kind === 'categorical' && (
        <label>
          Options (comma separated)
          <input value={draft.options} onChange={(e) => set({ options: e.target.value })} placeholder="yes, partly, no" />
        </label>
      )}
      {draft.kind === 'numeric' && (
        <>
          <label className="narrow">
            Min
            <input inputMode="decimal" value={draft.min} onChange={(e) => set({ min: e.target.value })} />
          </label>
          <label className="narrow">
            Max
            <input inputMode="decimal" value={draft.max} onChange={(e) => set({ max: e.target.value })} />
          </label>
          <label className="narrow">
            Step
            <input inputMode="decimal" value={draft.step} onChange={(e) => set({ step: e.target.value })} />
          </label>
        </>
      )}
      <label className="grow">
        Description for reviewers
        <input value={draft.description} onChange={(e) => set({ description: e.target.value })} placeholder="Is the answer right?" />
      </label>
      <button type="submit" disabled={!draft.name.trim()}>
        Create config
      </button>
    </form>
  );
}

export function ScoreConfigsPanel() {
  const { workspaceId } = useSession();
  const [configs, setConfigs] = useState<ScoreConfig[] | null>(null);
  const [showArchived, setShowArchived] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const load = useCallback(
    () => listScoreConfigs(workspaceId, showArchived).then((p) => setConfigs(p.results)).catch(setError),
    [workspaceId, showArchived],
  );
  useEffect(() => {
    void load();
  }, [load]);

  const act = (call: Promise<unknown>) =>
    call.then(() => {
      setError(null);
      return load();
    }, setError);

  return (
    <section className="panel ann-configs" aria-labelledby="configs-title">
      <div className="ann-section-head">
        <h2 id="configs-title">Score configs</h2>
        <label className="inline small">
          <input type="checkbox" checked={showArchived} onChange={(e) => setShowArchived(e.target.checked)} /> show archived
        </label>
      </div>
      {error !== null && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
      <NewConfigForm onCreated={() => void load()} onError={setError} />
      {configs && configs.length > 0 && (
        <table className="ann-table" aria-label="Score configs">
          <thead>
            <tr>
              <th>Name</th>
              <th>Kind</th>
              <th>Scale</th>
              <th>Description</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {configs.map((c) => (
              <tr key={c.id} className={c.archived ? 'muted' : ''} data-testid="score-config-row">
                <td>
                  <strong>{c.name}</strong> {c.archived && <span className="ann-chip">archived</span>}
                  {c.in_use && <span className="ann-chip" title="Scores use this config: its scale is fixed">in use</span>}
                </td>
                <td>{c.kind}</td>
                <td>{scaleText(c)}</td>
                <td className="muted">{c.description}</td>
                <td className="ann-actions">
                  <button type="button" className="button-small" onClick={() => void act(updateScoreConfig(workspaceId, c.id, { archived: !c.archived }))}>
                    {c.archived ? 'Restore' : 'Archive'}
                  </button>
                  <button
                    type="button"
                    className="button-small danger"
                    aria-label={`Delete ${c.name}`}
                    onClick={() => {
                      if (window.confirm(`Delete the score config "${c.name}"?`)) void act(deleteScoreConfig(workspaceId, c.id));
                    }}
                  >
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
