/** The playground: one prompt — a library version or a draft — on up to four model
 * configurations side by side. Every column is a recorded run; its tokens stream in over the
 * workspace's websocket; tokens, cost and latency show under it when it ends. Ctrl/Cmd+Enter runs
 * every column. A column's configuration can be kept as the prompt's next version. */
import { useCallback, useEffect, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import type { ModelOption } from '../apps/types';
import { ErrorNotice } from '../components/ErrorNotice';
import { createPrompt, getPrompt, getVersion, listModels, listPrompts, pushVersion } from '../prompts/api';
import type { ModelConfig, PromptMessage, PromptRow, PromptVariable, PromptVersion } from '../prompts/types';
import { EventSocket, websocketUrl } from '../realtime/eventSocket';
import { costText } from '../runs/format';
import { useSession } from '../session';
import { cancelRun, getRun, playgroundHistory, startColumns, type PlaygroundGroup, type RunOutcome } from './api';
import './playground.css';
import { DatasetRows } from './DatasetRows';
import { VariableForm, valuesFor } from './VariableForm';

const MAX_COLUMNS = 4;

interface Column {
  config: ModelConfig;
  runId: string | null;
  text: string;
  status: 'idle' | 'running' | 'succeeded' | 'failed' | 'cancelled';
  outcome: RunOutcome | null;
}

const newColumn = (config: ModelConfig): Column => ({ config, runId: null, text: '', status: 'idle', outcome: null });

interface RunEventMessage {
  type: 'run.event';
  run_id: string;
  event: { type: string; node_id?: string; text?: string };
}

function isRunEvent(d: unknown): d is RunEventMessage {
  const m = d as RunEventMessage;
  return typeof d === 'object' && d !== null && m.type === 'run.event' && typeof m.run_id === 'string' && typeof m.event === 'object';
}

function numberOrNull(value: string): number | null {
  return value.trim() === '' ? null : Number(value);
}

function ColumnView({
  index,
  column,
  models,
  canRemove,
  canSave,
  onChange,
  onRun,
  onStop,
  onRemove,
  onSave,
}: {
  index: number;
  column: Column;
  models: ModelOption[];
  canRemove: boolean;
  canSave: boolean;
  onChange: (config: ModelConfig) => void;
  onRun: () => void;
  onStop: () => void;
  onRemove: () => void;
  onSave: () => void;
}) {
  const c = column.config;
  const current = `${c.provider}::${c.model}`;
  const running = column.status === 'running';
  const o = column.outcome;
  return (
    <section className="pg-column" aria-label={`Column ${index + 1}`} data-testid={`column-${index}`} data-status={column.status}>
      <div className="pg-column-head">
        <select
          aria-label={`Model of column ${index + 1}`}
          value={current}
          onChange={(e) => {
            const [provider = '', ...rest] = e.target.value.split('::');
            onChange({ ...c, provider, model: rest.join('::') });
          }}
        >
          {!models.some((m) => `${m.provider}::${m.model}` === current) && <option value={current}>{c.provider} / {c.model}</option>}
          {models.map((m) => (
            <option key={`${m.provider}::${m.model}`} value={`${m.provider}::${m.model}`}>
              {m.label}
            </option>
          ))}
        </select>
        {canRemove && (
          <button type="button" className="icon-btn" aria-label={`Remove column ${index + 1}`} onClick={onRemove} title="Remove column">
            ×
          </button>
        )}
      </div>
      <div className="pg-params">
        <label>
          temp
          <input type="number" step="0.1" min={0} max={2} value={c.temperature ?? ''} placeholder="—" aria-label={`Temperature of column ${index + 1}`} onChange={(e) => onChange({ ...c, temperature: numberOrNull(e.target.value) })} />
        </label>
        <label>
          top_p
          <input type="number" step="0.05" min={0} max={1} value={c.top_p ?? ''} placeholder="—" onChange={(e) => onChange({ ...c, top_p: numberOrNull(e.target.value) })} />
        </label>
        <label>
          max
          <input type="number" min={1} value={c.max_tokens ?? ''} placeholder="—" aria-label={`Max tokens of column ${index + 1}`} onChange={(e) => onChange({ ...c, max_tokens: numberOrNull(e.target.value) })} />
        </label>
        <label>
          seed
          <input type="number" value={c.seed ?? ''} placeholder="—" onChange={(e) => onChange({ ...c, seed: numberOrNull(e.target.value) })} />
        </label>
      </div>
      <div className="pg-output" data-testid={`column-${index}-output`} aria-live="polite">
        {column.text || (running ? <span className="muted">Waiting for the first token…</span> : <span className="muted">No answer yet.</span>)}
        {o?.error && <p className="pg-error">{o.error.code}: {o.error.message}</p>}
      </div>
      <div className="pg-metrics small" data-testid={`column-${index}-metrics`}>
        {o ? (
          <>
            <span title="tokens in → out">
              {o.tokens_in} → {o.tokens_out} tok
            </span>
            <span>{costText(o.cost)}</span>
            <span>{o.latency_ms !== null ? `${Math.round(o.latency_ms)} ms` : '—'}</span>
          </>
        ) : (
          <span className="muted">{running ? 'running…' : '—'}</span>
        )}
      </div>
      <div className="pg-column-actions">
        {running ? (
          <button type="button" className="button-small" onClick={onStop}>
            Stop
          </button>
        ) : (
          <button type="button" className="button-small" onClick={onRun}>
            Re-run
          </button>
        )}
        {canSave && (
          <button type="button" className="button-small" onClick={onSave} title="Keep the prompt with this model configuration as its next version">
            Save as new version
          </button>
        )}
      </div>
    </section>
  );
}

function History({ groups }: { groups: PlaygroundGroup[] }) {
  if (!groups.length) return null;
  return (
    <details className="pg-history">
      <summary>Earlier runs ({groups.length})</summary>
      <ul>
        {groups.map((g) => (
          <li key={g.group_id}>
            <span className="small muted">{new Date(g.created_at).toLocaleString()}</span>{' '}
            {g.prompt_version ? `${g.prompt_version.name} v${g.prompt_version.number}` : 'draft'} ·{' '}
            <code className="small">{JSON.stringify(g.values)}</code>
            <ul className="pg-history-runs">
              {g.runs.map((r) => (
                <li key={r.id}>
                  <Link to={`/runs/${r.id}`}>{r.model.provider}/{r.model.model}</Link>: {r.output_text?.slice(0, 140) ?? r.error?.code ?? r.status}
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ul>
    </details>
  );
}

export function PlaygroundPage() {
  const { workspaceId, role } = useSession();
  const [search, setSearch] = useSearchParams();
  const promptId = search.get('prompt');
  const versionNumber = Number(search.get('version')) || null;
  const [prompts, setPrompts] = useState<PromptRow[]>([]);
  const [models, setModels] = useState<ModelOption[]>([]);
  const [version, setVersion] = useState<PromptVersion | null>(null);
  const [draft, setDraft] = useState<{ messages: PromptMessage[]; variables: PromptVariable[] }>({
    messages: [{ role: 'user', template: 'Explain {{ topic }} in one sentence.' }],
    variables: [{ name: 'topic', type: 'text' }],
  });
  const [values, setValues] = useState<Record<string, string>>({});
  const [columns, setColumns] = useState<Column[]>([]);
  const [groupId, setGroupId] = useState<string | null>(null);
  const [history, setHistory] = useState<PlaygroundGroup[]>([]);
  const [error, setError] = useState<unknown>(null);
  const streams = useRef(new Map<string, string>());
  const canRun = role === 'owner' || role === 'builder';

  const variables = version ? version.variables : draft.variables;

  useEffect(() => {
    listPrompts(workspaceId).then((p) => setPrompts(p.results)).catch(setError);
    listModels(workspaceId).then(setModels).catch(setError);
  }, [workspaceId]);

  useEffect(() => {
    if (!promptId) {
      setVersion(null);
      return;
    }
    const load = versionNumber
      ? getVersion(workspaceId, promptId, versionNumber)
      : getPrompt(workspaceId, promptId).then((p) => (p.latest_version ? getVersion(workspaceId, promptId, p.latest_version) : null));
    load.then(setVersion).catch(setError);
  }, [workspaceId, promptId, versionNumber]);

  // The first columns, once the models (and the prompt's version) are known: the version's own
  // model configuration, then another model to compare it with.
  const seeded = useRef(false);
  useEffect(() => {
    if (seeded.current || !models.length || (promptId && !version)) return;
    seeded.current = true;
    const first: ModelConfig = version ? { ...version.model } : { provider: models[0]!.provider, model: models[0]!.model };
    const other = models.find((m) => m.provider !== first.provider || m.model !== first.model);
    setColumns([newColumn(first), ...(other ? [newColumn({ provider: other.provider, model: other.model })] : [])]);
  }, [models, version, promptId]);

  const refreshHistory = useCallback(() => {
    playgroundHistory(workspaceId, promptId)
      .then((h) => setHistory(h.results))
      .catch(() => undefined);
  }, [workspaceId, promptId]);
  useEffect(refreshHistory, [refreshHistory]);

  const finish = useCallback(
    (runId: string) => {
      getRun(workspaceId, runId)
        .then((run) => {
          setColumns((cols) =>
            cols.map((c) =>
              c.runId === runId
                ? {
                    ...c,
                    status: run.status as Column['status'],
                    outcome: run,
                    text: typeof run.outputs?.text === 'string' ? run.outputs.text : c.text,
                  }
                : c,
            ),
          );
          refreshHistory();
        })
        .catch(setError);
    },
    [workspaceId, refreshHistory],
  );

  const onMessage = useRef<(d: unknown) => void>(() => undefined);
  onMessage.current = (d: unknown) => {
    if (!isRunEvent(d)) return;
    const { run_id: runId, event } = d;
    if (event.type === 'node.delta' && event.node_id === 'prompt' && typeof event.text === 'string') {
      const text = (streams.current.get(runId) ?? '') + event.text;
      streams.current.set(runId, text);
      setColumns((cols) => cols.map((c) => (c.runId === runId ? { ...c, text } : c)));
    }
    if (event.type === 'run.finished' || event.type === 'run.failed') {
      streams.current.set(runId, streams.current.get(runId) ?? '');
      finish(runId);
    }
  };
  useEffect(() => {
    const socket = new EventSocket({
      url: websocketUrl(`/ws/workspaces/${encodeURIComponent(workspaceId)}/events/`),
      onMessage: (d) => onMessage.current(d),
    });
    socket.start();
    return () => socket.stop();
  }, [workspaceId]);

  const start = async (indices: number[]) => {
    if (!indices.length) return;
    setError(null);
    const body = {
      ...(version ? { prompt_version: version.id } : { prompt: draft }),
      values: valuesFor(variables, values),
      columns: indices.map((i) => columns[i]!.config),
    };
    setColumns((cols) => cols.map((c, i) => (indices.includes(i) ? { ...c, status: 'running', text: '', outcome: null, runId: null } : c)));
    try {
      const single = indices.length === 1 && groupId !== null;
      const started = await startColumns(workspaceId, single ? { ...body, group_id: groupId, column_index: indices[0] } : body);
      if (!single) setGroupId(started.group_id);
      setColumns((cols) =>
        cols.map((c, i) => {
          const k = indices.indexOf(i);
          const run = k >= 0 ? started.runs[k] : undefined;
          return run ? { ...c, runId: run.id, text: streams.current.get(run.id) ?? '' } : c;
        }),
      );
      // A run may have ended before its id came back: ask for it.
      started.runs.forEach((run) => {
        if (streams.current.has(run.id)) finish(run.id);
      });
    } catch (e) {
      setError(e);
      setColumns((cols) => cols.map((c, i) => (indices.includes(i) ? { ...c, status: 'idle' } : c)));
    }
  };

  const runAll = () => void start(columns.map((_, i) => i));

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') {
        e.preventDefault();
        runAll();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  const contentFor = (column: Column) => {
    const model = Object.fromEntries(Object.entries(column.config).filter(([, v]) => v !== null && v !== undefined)) as ModelConfig;
    return {
      messages: version ? version.messages : draft.messages,
      variables: version ? version.variables : draft.variables,
      model,
      commit_message: `From the playground: ${model.provider}/${model.model}`,
    };
  };
  const saveAsVersion = (column: Column) => {
    if (!promptId) return;
    pushVersion(workspaceId, promptId, contentFor(column))
      .then((saved) => setSearch({ prompt: promptId, version: String(saved.number) }))
      .catch(setError);
  };
  const [draftName, setDraftName] = useState('');
  const saveDraft = () => {
    const first = columns[0];
    if (!first || !draftName.trim()) return;
    createPrompt(workspaceId, { name: draftName.trim(), version: { ...contentFor(first), commit_message: 'From the playground' } })
      .then((created) => setSearch({ prompt: String(created.id), version: '1' }))
      .catch(setError);
  };

  return (
    <section className="page playground-page" aria-labelledby="page-title">
      <header className="pg-header">
        <h1 id="page-title">Playground</h1>
        <label>
          Prompt{' '}
          <select
            aria-label="Prompt"
            value={promptId ?? ''}
            onChange={(e) => setSearch(e.target.value ? { prompt: e.target.value } : {})}
          >
            <option value="">Draft (not in the library)</option>
            {prompts.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </label>
        {version && promptId && (
          <span className="small">
            <Link to={`/prompts/${promptId}?v=${version.number}`}>v{version.number}</Link> · {version.commit_message || 'no message'}
          </span>
        )}
        {columns.length < MAX_COLUMNS && (
          <button
            type="button"
            onClick={() => setColumns([...columns, newColumn({ ...(columns[columns.length - 1]?.config ?? { provider: 'local', model: models[0]?.model ?? '' }) })])}
          >
            + Column
          </button>
        )}
        <button type="button" className="button-primary" onClick={runAll} disabled={!canRun || !columns.length} title="Run every column (Ctrl/Cmd+Enter)">
          Run all
        </button>
      </header>
      {error !== null && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
      <div className="pg-layout">
        <aside className="pg-prompt" aria-label="Prompt and variables">
          <h2>Messages</h2>
          {version ? (
            <ol className="pg-messages">
              {version.messages.map((m, i) => (
                <li key={i}>
                  <span className="badge">{m.role}</span>
                  <pre>{m.template}</pre>
                </li>
              ))}
            </ol>
          ) : (
            <ol className="pg-messages">
              {draft.messages.map((m, i) => (
                <li key={i}>
                  <select
                    aria-label={`Role of message ${i + 1}`}
                    value={m.role}
                    onChange={(e) =>
                      setDraft({ ...draft, messages: draft.messages.map((x, n) => (n === i ? { ...x, role: e.target.value as PromptMessage['role'] } : x)) })
                    }
                  >
                    <option>system</option>
                    <option>user</option>
                    <option>assistant</option>
                  </select>
                  <textarea
                    aria-label={`Message ${i + 1}`}
                    rows={4}
                    value={m.template}
                    onChange={(e) => setDraft({ ...draft, messages: draft.messages.map((x, n) => (n === i ? { ...x, template: e.target.value } : x)) })}
                  />
                </li>
              ))}
              <li>
                <button type="button" className="button-small" onClick={() => setDraft({ ...draft, messages: [...draft.messages, { role: 'user', template: '' }] })}>
                  + Message
                </button>
              </li>
            </ol>
          )}
          {!version && canRun && (
            <form
              className="pg-save-draft"
              onSubmit={(e) => {
                e.preventDefault();
                saveDraft();
              }}
            >
              <input aria-label="Name of the new prompt" placeholder="new-prompt-name" value={draftName} onChange={(e) => setDraftName(e.target.value.toLowerCase())} />
              <button type="submit" className="button-small" disabled={!draftName.trim() || !columns.length} title="Keep this draft, with the first column's model, as a prompt of the library">
                Save as prompt
              </button>
            </form>
          )}
          <h2>Variables</h2>
          <DatasetRows onRow={(rowValues) => setValues(rowValues)} />
          <VariableForm
            variables={variables}
            values={values}
            onChange={setValues}
            editable={!version}
            onDeclare={(vars) => setDraft({ ...draft, variables: vars })}
          />
        </aside>
        <div className="pg-columns" style={{ gridTemplateColumns: `repeat(${Math.max(columns.length, 1)}, minmax(0, 1fr))` }}>
          {columns.map((column, i) => (
            <ColumnView
              key={i}
              index={i}
              column={column}
              models={models}
              canRemove={columns.length > 1}
              canSave={canRun && !!version}
              onChange={(config) => setColumns(columns.map((c, n) => (n === i ? { ...c, config } : c)))}
              onRun={() => void start([i])}
              onStop={() => column.runId && void cancelRun(workspaceId, column.runId).catch(setError)}
              onRemove={() => setColumns(columns.filter((_, n) => n !== i))}
              onSave={() => saveAsVersion(column)}
            />
          ))}
        </div>
      </div>
      <History groups={history} />
    </section>
  );
}
