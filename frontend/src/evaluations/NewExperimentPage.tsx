/** A new experiment: a dataset version, the variants to compare (a prompt version on a model, or
 * an app version), the evaluators that judge every cell (one of them primary) and how many cells
 * run at once per provider. It starts as soon as it is created. */
import { useEffect, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { listApps, listModels, listVersions } from '../apps/api';
import type { AppSummary, ModelOption, VersionSummary } from '../apps/types';
import { ErrorNotice } from '../components/ErrorNotice';
import { getPrompt, listPrompts } from '../prompts/api';
import type { PromptDetail, PromptRow } from '../prompts/types';
import { useSession } from '../session';
import { createExperiment, getDataset, getExperiment, listDatasets, listEvaluatorTypes, listResultRows, type ExperimentInput } from './api';
import './evaluations.css';
import type { DatasetDetail, DatasetRow, EvaluatorType } from './types';

interface VariantDraft {
  kind: 'prompt' | 'app';
  promptId: number | null;
  version: number | null;
  model: string;
  temperature: string;
  maxTokens: string;
  appId: number | null;
  appVersion: number | null;
}

interface EvaluatorDraft {
  name: string;
  type: string;
  settings: string;
}

/** Settings each evaluator type needs, as a starting point for its JSON. */
const SETTINGS_TEMPLATES: Record<string, string> = {
  contains: '{"value": ""}',
  not_contains: '{"value": ""}',
  regex: '{"pattern": ""}',
  json_schema: '{"schema": {"type": "object"}}',
  numeric: '{"tolerance": 0}',
  length: '{"max_chars": 500}',
  similarity: '{"threshold": 0.8}',
  llm_judge: '{"model": {"provider": "local", "model": "smollm2-135m-instruct"}, "rubric": "Correct and polite."}',
  custom: '{"name": ""}',
};

const emptyVariant = (): VariantDraft => ({
  kind: 'prompt', promptId: null, version: null, model: '', temperature: '', maxTokens: '', appId: null, appVersion: null,
});

export function NewExperimentPage() {
  const { workspaceId } = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [datasets, setDatasets] = useState<DatasetRow[]>([]);
  const [datasetId, setDatasetId] = useState<number | null>(params.get('dataset') ? Number(params.get('dataset')) : null);
  const [dataset, setDataset] = useState<DatasetDetail | null>(null);
  const [datasetVersion, setDatasetVersion] = useState<number | null>(null);
  const [prompts, setPrompts] = useState<PromptRow[]>([]);
  const [promptDetails, setPromptDetails] = useState<Record<number, PromptDetail>>({});
  const [apps, setApps] = useState<AppSummary[]>([]);
  const [appVersions, setAppVersions] = useState<Record<string, VersionSummary[]>>({});
  const [models, setModels] = useState<ModelOption[]>([]);
  const [types, setTypes] = useState<EvaluatorType[]>([]);
  const [name, setName] = useState('');
  const [variants, setVariants] = useState<VariantDraft[]>([emptyVariant(), emptyVariant()]);
  const [evaluators, setEvaluators] = useState<EvaluatorDraft[]>([{ name: 'exact', type: 'exact_match', settings: '{}' }]);
  const [primary, setPrimary] = useState('exact');
  const [concurrency, setConcurrency] = useState(4);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  // ?rows_of=<experiment>: only the rows that experiment ran on (a fine-tune's held-out rows).
  const rowsOf = params.get('rows_of');
  const [subset, setSubset] = useState<{ ids: number[]; from: string } | null>(null);

  useEffect(() => {
    listDatasets(workspaceId).then((p) => setDatasets(p.results)).catch(setError);
    listPrompts(workspaceId).then((p) => setPrompts(p.results)).catch(setError);
    listApps(workspaceId).then((p) => setApps(p.results)).catch(() => setApps([]));
    listModels(workspaceId).then(setModels).catch(() => setModels([]));
    listEvaluatorTypes(workspaceId).then(setTypes).catch(() => setTypes([]));
  }, [workspaceId]);
  useEffect(() => {
    if (!rowsOf) return;
    Promise.all([getExperiment(workspaceId, rowsOf), listResultRows(workspaceId, rowsOf)])
      .then(([x, rows]) => setSubset({ ids: rows.results.map((r) => r.row.id), from: x.name }))
      .catch(setError);
  }, [workspaceId, rowsOf]);
  useEffect(() => {
    if (datasetId === null) return;
    getDataset(workspaceId, datasetId)
      .then((d) => {
        setDataset(d);
        const asked = Number(params.get('version'));
        setDatasetVersion(d.versions.some((v) => v.number === asked) ? asked : d.latest_version);
        setName((n) => n || `${d.name} experiment`);
      })
      .catch(setError);
  }, [workspaceId, datasetId]);

  const setVariant = (i: number, patch: Partial<VariantDraft>) => {
    setVariants((vs) => vs.map((v, j) => (j === i ? { ...v, ...patch } : v)));
    if (patch.promptId && !promptDetails[patch.promptId]) {
      getPrompt(workspaceId, patch.promptId)
        .then((p) => {
          setPromptDetails((d) => ({ ...d, [p.id]: p }));
          setVariants((vs) => vs.map((v, j) => (j === i ? { ...v, version: v.version ?? p.latest_version } : v)));
        })
        .catch(setError);
    }
    if (patch.appId && !appVersions[String(patch.appId)]) {
      listVersions(workspaceId, patch.appId).then((vs) => setAppVersions((a) => ({ ...a, [String(patch.appId)]: vs }))).catch(setError);
    }
  };

  const body = (): ExperimentInput => ({
    name: name.trim() || 'Experiment',
    dataset_id: datasetId ?? 0,
    dataset_version: datasetVersion ?? undefined,
    variants: variants.map((v) => {
      if (v.kind === 'app') return { app_id: v.appId ?? 0, app_version: v.appVersion ?? 0 } as unknown as { app_version_id: number };
      const version = promptDetails[v.promptId ?? 0]?.versions.find((x) => x.number === v.version);
      const [provider, ...rest] = v.model.split('/');
      const model: Record<string, unknown> = v.model ? { ...(version?.model ?? {}), provider, model: rest.join('/') } : { ...(version?.model ?? {}) };
      if (v.temperature) model.temperature = Number(v.temperature);
      if (v.maxTokens) model.max_tokens = Number(v.maxTokens);
      return { prompt_version_id: version?.id ?? 0, model };
    }),
    evaluators: evaluators.map((e) => ({ name: e.name || e.type, type: e.type, ...(JSON.parse(e.settings || '{}') as object) })),
    primary_evaluator: primary,
    concurrency,
    row_ids: subset?.ids,
  });

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    let input: ExperimentInput;
    try {
      input = body();
    } catch {
      setError(new Error('An evaluator\'s settings are not valid JSON.'));
      return;
    }
    setBusy(true);
    createExperiment(workspaceId, input)
      .then((x) => navigate(`/evaluations/experiments/${x.id}`))
      .catch(setError)
      .finally(() => setBusy(false));
  };

  return (
    <section className="page" aria-labelledby="page-title">
      <p className="breadcrumbs">
        <Link to="/evaluations">Evaluations</Link> / New experiment
      </p>
      <h1 id="page-title">New experiment</h1>
      <form onSubmit={submit} className="experiment-form" aria-label="New experiment">
        <div className="panel form-grid">
          <label>
            Name
            <input value={name} onChange={(e) => setName(e.target.value)} required />
          </label>
          <label>
            Dataset
            <select aria-label="Dataset" value={datasetId ?? ''} onChange={(e) => setDatasetId(e.target.value ? Number(e.target.value) : null)} required>
              <option value="">choose…</option>
              {datasets.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.name}
                </option>
              ))}
            </select>
          </label>
          {dataset && (
            <label>
              Dataset version
              <select aria-label="Dataset version" value={datasetVersion ?? ''} onChange={(e) => setDatasetVersion(Number(e.target.value))}>
                {dataset.versions.map((v) => (
                  <option key={v.number} value={v.number}>
                    v{v.number} · {v.row_count} rows
                  </option>
                ))}
              </select>
            </label>
          )}
          {subset && (
            <p className="notice small" data-testid="row-subset">
              Only the {subset.ids.length} rows “{subset.from}” ran on (held out from training).{' '}
              <button type="button" className="button-small" onClick={() => setSubset(null)}>
                Use every row
              </button>
            </p>
          )}
          <label>
            Cells at once per provider
            <input type="number" min={1} max={64} value={concurrency} onChange={(e) => setConcurrency(Number(e.target.value))} />
          </label>
        </div>
        <fieldset className="panel">
          <legend>Variants</legend>
          {variants.map((v, i) => (
            <div key={i} className="variant-row" data-testid={`variant-${i}`}>
              <strong>{String.fromCharCode(65 + i)}</strong>
              <select aria-label={`Variant ${i + 1} kind`} value={v.kind} onChange={(e) => setVariant(i, { kind: e.target.value as VariantDraft['kind'] })}>
                <option value="prompt">prompt version</option>
                <option value="app">app version</option>
              </select>
              {v.kind === 'prompt' ? (
                <>
                  <select aria-label={`Variant ${i + 1} prompt`} value={v.promptId ?? ''} onChange={(e) => setVariant(i, { promptId: Number(e.target.value), version: null })}>
                    <option value="">prompt…</option>
                    {prompts.map((p) => (
                      <option key={p.id} value={p.id}>
                        {p.name}
                      </option>
                    ))}
                  </select>
                  <select aria-label={`Variant ${i + 1} version`} value={v.version ?? ''} onChange={(e) => setVariant(i, { version: Number(e.target.value) })}>
                    {(promptDetails[v.promptId ?? 0]?.versions ?? []).map((x) => (
                      <option key={x.number} value={x.number}>
                        v{x.number}
                        {x.labels.length ? ` (${x.labels.join(', ')})` : ''}
                      </option>
                    ))}
                  </select>
                  <select aria-label={`Variant ${i + 1} model`} value={v.model} onChange={(e) => setVariant(i, { model: e.target.value })}>
                    <option value="">the version's model</option>
                    {models.map((m) => (
                      <option key={`${m.provider}/${m.model}`} value={`${m.provider}/${m.model}`}>
                        {m.label || `${m.provider}/${m.model}`}
                      </option>
                    ))}
                  </select>
                  <input aria-label={`Variant ${i + 1} temperature`} placeholder="temperature" className="narrow" value={v.temperature} onChange={(e) => setVariant(i, { temperature: e.target.value })} />
                  <input aria-label={`Variant ${i + 1} max tokens`} placeholder="max tokens" className="narrow" value={v.maxTokens} onChange={(e) => setVariant(i, { maxTokens: e.target.value })} />
                </>
              ) : (
                <>
                  <select aria-label={`Variant ${i + 1} app`} value={v.appId ?? ''} onChange={(e) => setVariant(i, { appId: Number(e.target.value), appVersion: null })}>
                    <option value="">app…</option>
                    {apps.map((a) => (
                      <option key={a.id} value={a.id}>
                        {a.name}
                      </option>
                    ))}
                  </select>
                  <select aria-label={`Variant ${i + 1} app version`} value={v.appVersion ?? ''} onChange={(e) => setVariant(i, { appVersion: Number(e.target.value) })}>
                    <option value="">version…</option>
                    {(appVersions[String(v.appId)] ?? []).filter((x) => x.kind === 'saved').map((x) => (
                      <option key={x.number} value={x.number}>
                        v{x.number} {x.message}
                      </option>
                    ))}
                  </select>
                </>
              )}
              {variants.length > 1 && (
                <button type="button" className="button-small button-quiet" onClick={() => setVariants((vs) => vs.filter((_, j) => j !== i))}>
                  Remove
                </button>
              )}
            </div>
          ))}
          {variants.length < 8 && (
            <button type="button" className="button-small" onClick={() => setVariants((vs) => [...vs, emptyVariant()])}>
              Add variant
            </button>
          )}
        </fieldset>
        <fieldset className="panel">
          <legend>Evaluators</legend>
          {evaluators.map((ev, i) => (
            <div key={i} className="variant-row">
              <input aria-label={`Evaluator ${i + 1} name`} className="narrow" value={ev.name} onChange={(e) => setEvaluators((es) => es.map((x, j) => (j === i ? { ...x, name: e.target.value } : x)))} />
              <select
                aria-label={`Evaluator ${i + 1} type`}
                value={ev.type}
                onChange={(e) =>
                  setEvaluators((es) => es.map((x, j) => (j === i ? { ...x, type: e.target.value, settings: SETTINGS_TEMPLATES[e.target.value] ?? '{}' } : x)))
                }
              >
                {types.map((t) => (
                  <option key={t.type} value={t.type} title={t.description}>
                    {t.type}
                  </option>
                ))}
              </select>
              <input aria-label={`Evaluator ${i + 1} settings`} className="grow mono" value={ev.settings} onChange={(e) => setEvaluators((es) => es.map((x, j) => (j === i ? { ...x, settings: e.target.value } : x)))} />
              <label className="inline">
                <input type="radio" name="primary" checked={primary === ev.name} onChange={() => setPrimary(ev.name)} /> primary
              </label>
              <button type="button" className="button-small button-quiet" onClick={() => setEvaluators((es) => es.filter((_, j) => j !== i))}>
                Remove
              </button>
            </div>
          ))}
          <p className="muted">{types.find((t) => t.type === evaluators[evaluators.length - 1]?.type)?.description}</p>
          <button type="button" className="button-small" onClick={() => setEvaluators((es) => [...es, { name: `check-${es.length + 1}`, type: 'contains', settings: SETTINGS_TEMPLATES.contains! }])}>
            Add evaluator
          </button>
        </fieldset>
        {error !== null && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
        <div className="form-actions">
          <button type="submit" className="button-primary" disabled={busy || !datasetId}>
            Start experiment
          </button>
        </div>
      </form>
    </section>
  );
}
