/** /finetune/new (?dataset=<id> preselects one): a name, the base model, the dataset version to
 * learn from, the method (cards, LoRA first) and its settings, the training settings. What the
 * server refuses (a taken name, settings a method cannot use, a job too large for this machine)
 * is shown at the field it names; a started job opens its page. */
import { useEffect, useMemo, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { isAbortError } from '../api/client';
import { ErrorNotice } from '../components/ErrorNotice';
import { getDataset, listDatasets } from '../evaluations/api';
import type { DatasetDetail, DatasetRow } from '../evaluations/types';
import { useSession } from '../session';
import { getMethods, listFineTunes, startFineTune } from './api';
import { Field, fieldErrorsOf, fieldId, invalidProps, type FieldErrors } from './fieldErrors';
import './finetune.css';
import { MethodCards } from './MethodCards';
import { draftOf, freeName, methodSettingsFor, slugOf, type SettingsDraft } from './methods';
import { MethodSettingsFields } from './MethodSettingsFields';
import { TrainingFields, trainingDraft, trainingSettingsOf, type TrainingDraft } from './TrainingFields';
import type { FineTuneInput, MethodCatalog, TuneMethod } from './types';

/** The fields this form shows an error at; an error naming another one shows below the form. */
const PLACED = new Set(['name', 'base_model', 'dataset_id', 'dataset_version', 'method', 'method_settings', ...Object.keys(trainingDraft())]);
const isPlaced = (field: string) => PLACED.has(field) || field.startsWith('method_settings.');

function DatasetFields({
  datasets,
  dataset,
  datasetId,
  version,
  errors,
  onDataset,
  onVersion,
}: {
  datasets: DatasetRow[];
  dataset: DatasetDetail | null;
  datasetId: number | null;
  version: number | null;
  errors: FieldErrors;
  onDataset: (id: number | null) => void;
  onVersion: (number: number) => void;
}) {
  const chosen = dataset?.versions.find((v) => v.number === version);
  return (
    <>
      <Field field="dataset_id" label="Dataset" errors={errors} hint="Each row's inputs are the question, its expected output the answer to learn; rows without one are skipped.">
        <select {...invalidProps('dataset_id', errors)} value={datasetId ?? ''} onChange={(e) => onDataset(e.target.value ? Number(e.target.value) : null)}>
          <option value="">choose…</option>
          {datasets.map((d) => (
            <option key={d.id} value={d.id}>
              {d.name}
            </option>
          ))}
        </select>
      </Field>
      <Field field="dataset_version" label="Dataset version" errors={errors} hint={chosen ? `${chosen.row_count} rows · columns ${chosen.columns.join(', ') || '–'}` : undefined}>
        <select
          {...invalidProps('dataset_version', errors)}
          value={version ?? ''}
          disabled={!dataset || dataset.versions.length === 0}
          onChange={(e) => onVersion(Number(e.target.value))}
        >
          {!dataset && <option value="">–</option>}
          {dataset?.versions.map((v) => (
            <option key={v.number} value={v.number}>
              v{v.number} · {v.row_count} rows
            </option>
          ))}
        </select>
      </Field>
    </>
  );
}

export function NewFineTunePage() {
  const { workspaceId } = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [catalog, setCatalog] = useState<MethodCatalog | null>(null);
  const [datasets, setDatasets] = useState<DatasetRow[]>([]);
  const [takenNames, setTakenNames] = useState<ReadonlySet<string>>(new Set());
  const [datasetId, setDatasetId] = useState<number | null>(params.get('dataset') ? Number(params.get('dataset')) : null);
  const [dataset, setDataset] = useState<DatasetDetail | null>(null);
  const [version, setVersion] = useState<number | null>(null);
  const [name, setName] = useState('');
  const [nameTouched, setNameTouched] = useState(false);
  const [baseModel, setBaseModel] = useState('');
  const [method, setMethod] = useState<TuneMethod>('lora');
  const [settings, setSettings] = useState<SettingsDraft | null>(null);
  const [training, setTraining] = useState<TrainingDraft>(trainingDraft);
  const [rateTouched, setRateTouched] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    const controller = new AbortController();
    const fail = (e: unknown) => {
      if (!isAbortError(e)) setError(e);
    };
    getMethods(workspaceId, '', controller.signal)
      .then((c) => {
        setCatalog(c);
        setSettings((s) => s ?? draftOf(c.settings_defaults));
        setBaseModel((b) => b || c.base_models[0] || '');
      })
      .catch(fail);
    listDatasets(workspaceId, controller.signal).then((p) => setDatasets(p.results)).catch(fail);
    listFineTunes(workspaceId, controller.signal)
      .then((p) => setTakenNames(new Set(p.results.map((j) => j.name))))
      .catch(() => undefined);
    return () => controller.abort();
  }, [workspaceId]);

  // The trainable parameter count of each method on the chosen base model (when the server tells).
  useEffect(() => {
    if (!baseModel) return undefined;
    const controller = new AbortController();
    getMethods(workspaceId, baseModel, controller.signal)
      .then(setCatalog)
      .catch(() => undefined);
    return () => controller.abort();
  }, [workspaceId, baseModel]);

  useEffect(() => {
    if (datasetId === null) {
      setDataset(null);
      setVersion(null);
      return undefined;
    }
    const controller = new AbortController();
    getDataset(workspaceId, datasetId, controller.signal)
      .then((d) => {
        setDataset(d);
        setVersion(d.latest_version);
      })
      .catch((e: unknown) => {
        if (!isAbortError(e)) setError(e);
      });
    return () => controller.abort();
  }, [workspaceId, datasetId]);

  // A name to start from: the dataset's and the method's, free in this workspace.
  const suggestion = useMemo(
    () => freeName(slugOf(`${dataset?.name ?? 'my-model'}-${method.replace('_', '-')}`) || 'my-model', takenNames),
    [dataset, method, takenNames],
  );
  const shownName = nameTouched ? name : suggestion;

  const errors = fieldErrorsOf(error);
  const fields = Object.keys(errors);
  const unplaced = fields.length === 0 || fields.some((f) => !isPlaced(f));

  // Take the eye (and the focus) to the first field the server named.
  useEffect(() => {
    const first = fields.find(isPlaced);
    if (first) document.getElementById(fieldId(first))?.focus();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [error]);

  const methodInfo = catalog?.methods.find((m) => m.method === method);
  // Each method's own learning rate until the user types one.
  const shownTraining: TrainingDraft =
    rateTouched || methodInfo?.learning_rate === undefined ? training : { ...training, learning_rate: String(methodInfo.learning_rate) };

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    if (!settings) return;
    const body: FineTuneInput = {
      name: shownName.trim(),
      base_model: baseModel,
      method,
      method_settings: methodSettingsFor(method, settings),
      dataset_id: datasetId ?? 0,
      ...(version !== null ? { dataset_version: version } : {}),
      ...trainingSettingsOf(shownTraining),
    };
    setBusy(true);
    setError(null);
    startFineTune(workspaceId, body)
      .then((job) => navigate(`/finetune/${job.id}`))
      .catch((err: unknown) => {
        setError(err);
        setBusy(false);
      });
  };

  return (
    <section className="page finetune-page" aria-labelledby="page-title">
      <p className="breadcrumbs">
        <Link to="/finetune">Fine-tuning</Link> / New
      </p>
      <h1 id="page-title">New fine-tune</h1>
      <form onSubmit={submit} noValidate aria-label="New fine-tune" className="ft-form">
        <fieldset className="panel">
          <legend>Model and data</legend>
          <div className="ft-fields ft-fields-row">
            <Field field="name" label="Name" errors={errors} hint={`Letters, digits and dashes. Served as ${baseModel || 'base'}+${shownName || 'name'}.`}>
              <input
                {...invalidProps('name', errors)}
                className="ft-wide"
                value={shownName}
                onChange={(e) => {
                  setNameTouched(true);
                  setName(e.target.value);
                }}
              />
            </Field>
            <Field field="base_model" label="Base model" errors={errors}>
              <select {...invalidProps('base_model', errors)} value={baseModel} onChange={(e) => setBaseModel(e.target.value)}>
                {(catalog?.base_models ?? []).map((m) => (
                  <option key={m}>{m}</option>
                ))}
              </select>
            </Field>
            <DatasetFields
              datasets={datasets}
              dataset={dataset}
              datasetId={datasetId}
              version={version}
              errors={errors}
              onDataset={setDatasetId}
              onVersion={setVersion}
            />
          </div>
        </fieldset>
        <fieldset className="panel">
          <legend>Method</legend>
          {catalog === null ? (
            <p className="muted">Loading the methods…</p>
          ) : (
            <MethodCards methods={catalog.methods} chosen={method} totalParams={catalog.total_params} onChoose={setMethod} />
          )}
          {errors.method && <span className="ft-field-error">{errors.method}</span>}
          {settings && (
            <MethodSettingsFields
              method={method}
              label={methodInfo?.label ?? method}
              draft={settings}
              errors={errors}
              onChange={(setting, value) => setSettings({ ...settings, [setting]: value })}
            />
          )}
        </fieldset>
        <fieldset className="panel">
          <legend>Training</legend>
          <TrainingFields
            draft={shownTraining}
            errors={errors}
            onChange={(field, value) => {
              if (field === 'learning_rate') setRateTouched(true);
              setTraining({ ...shownTraining, [field]: value });
            }}
          />
        </fieldset>
        {error !== null && unplaced && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
        {error !== null && !unplaced && (
          <p className="ft-field-error" role="alert">
            {fields.length === 1 ? 'See the field marked above.' : 'See the fields marked above.'}
          </p>
        )}
        <div className="form-actions">
          <button type="submit" className="button-primary" disabled={busy || !catalog || datasetId === null}>
            {busy ? 'Starting…' : 'Start fine-tuning'}
          </button>
          <Link to="/finetune">Cancel</Link>
        </div>
      </form>
    </section>
  );
}
