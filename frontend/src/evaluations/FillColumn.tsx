/** "Fill a column with a model": each row's values through a template, a model's answers as a
 * new input column in the dataset's next version — a background job whose progress shows here. */
import { useEffect, useState } from 'react';
import { listModels } from '../apps/api';
import type { ModelOption } from '../apps/types';
import { ErrorNotice } from '../components/ErrorNotice';
import { useSession } from '../session';
import { fillColumn, getJob, type JobState } from './api';

export function FillColumn({ datasetId, columns, onDone }: { datasetId: number; columns: string[]; onDone: () => unknown }) {
  const { workspaceId } = useSession();
  const [models, setModels] = useState<ModelOption[]>([]);
  const [column, setColumn] = useState('question');
  const [template, setTemplate] = useState(columns.length ? `Write one question about ${columns.map((c) => `{{ ${c} }}`).join(' and ')}.` : '');
  const [model, setModel] = useState('');
  const [job, setJob] = useState<JobState | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    listModels(workspaceId)
      .then((ms) => {
        setModels(ms);
        if (ms[0]) setModel(`${ms[0].provider}/${ms[0].model}`);
      })
      .catch(() => setModels([]));
  }, [workspaceId]);

  useEffect(() => {
    if (!job || job.status === 'succeeded' || job.status === 'failed') return undefined;
    const timer = setTimeout(() => {
      getJob(workspaceId, job.id)
        .then((next) => {
          setJob(next);
          if (next.status === 'succeeded') onDone();
        })
        .catch(setError);
    }, 1000);
    return () => clearTimeout(timer);
  }, [job, workspaceId, onDone]);

  const start = (e: React.FormEvent) => {
    e.preventDefault();
    const [provider, ...rest] = model.split('/');
    fillColumn(workspaceId, datasetId, { column: column.trim(), template, model: { provider, model: rest.join('/') } })
      .then(({ job: started }) => setJob({ id: started.id, status: 'queued', progress: 0, message: '', error_message: '', result: null }))
      .catch(setError);
  };
  const busy = job !== null && (job.status === 'queued' || job.status === 'running');

  return (
    <form className="panel form-grid" onSubmit={start} aria-label="Fill a column with a model">
      <label>
        New column
        <input value={column} onChange={(e) => setColumn(e.target.value)} required />
      </label>
      <label>
        Model
        <select aria-label="Model" value={model} onChange={(e) => setModel(e.target.value)}>
          {models.map((m) => (
            <option key={`${m.provider}/${m.model}`} value={`${m.provider}/${m.model}`}>
              {m.label || `${m.provider}/${m.model}`}
            </option>
          ))}
        </select>
      </label>
      <label className="grid-wide">
        Message to the model, per row (a template over the row's values)
        <textarea rows={3} value={template} onChange={(e) => setTemplate(e.target.value)} required />
      </label>
      {error !== null && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
      <div className="form-actions">
        <button type="submit" className="button-primary" disabled={busy || !column.trim() || !template.trim() || !model}>
          Fill the column
        </button>
        {job && (
          <span role="status" data-testid="fill-status">
            {job.status === 'succeeded'
              ? `Done: v${job.result?.version ?? ''} has the column ${column}.`
              : job.status === 'failed'
                ? `Failed: ${job.error_message}`
                : `${job.message || 'Starting…'} (${Math.round((job.progress ?? 0) * 100)} %)`}
          </span>
        )}
      </div>
    </form>
  );
}
