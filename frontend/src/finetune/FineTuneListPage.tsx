/** /finetune: the workspace's fine-tuned models — trained here or uploaded — with their status,
 * progress and last validation loss; start a new one or upload an adapter. */
import { useCallback, useEffect, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { isAbortError } from '../api/client';
import { ErrorNotice } from '../components/ErrorNotice';
import { canBuild } from '../prompts/parts';
import { useSession } from '../session';
import { listFineTunes } from './api';
import './finetune.css';
import { methodLabel } from './methods';
import { dateText, isLive, lastLoss, lossText, StepProgress, TuneStatusBadge } from './parts';
import type { FineTuneJob } from './types';
import { UploadAdapterDialog } from './UploadAdapterDialog';

const LIST_POLL_MS = 3000;

function FineTuneRow({ job }: { job: FineTuneJob }) {
  return (
    <tr data-testid="finetune-row">
      <td>
        <Link to={`/finetune/${job.id}`} className="prompt-name">
          {job.model}
        </Link>
      </td>
      <td>{methodLabel(job.method)}</td>
      <td className="ft-status-cell">
        <TuneStatusBadge job={job} />
        {job.status === 'running' && <StepProgress job={job} />}
      </td>
      <td>
        {job.source === 'uploaded' ? (
          <span className="muted">uploaded adapter</span>
        ) : job.dataset_id ? (
          <Link to={`/evaluations/datasets/${job.dataset_id}`}>
            {job.dataset_name} v{job.dataset_version}
          </Link>
        ) : (
          <span className="muted">–</span>
        )}
      </td>
      <td className="num">{lossText(lastLoss(job.val_losses))}</td>
      <td className="muted">{dateText(job.created_at)}</td>
    </tr>
  );
}

function EmptyState({ editable }: { editable: boolean }) {
  return (
    <div className="empty-state ft-empty" data-testid="finetune-empty">
      <p className="empty-title">No fine-tuned models yet</p>
      <p>
        Fine-tuning teaches a base model to answer like your examples. It trains a small adapter (LoRA or one of five other
        methods) on a dataset's rows — each row's inputs as the question, its <strong>expected output</strong> as the answer to
        learn — while the base model stays as it is. Some rows are held out to compare the tuned model with its base.
      </p>
      <p className="muted">
        {editable
          ? 'To start, open a dataset whose rows have expected outputs in Evaluations and choose “Fine-tune on this”, or press New fine-tune. '
          : 'Builders and owners start fine-tunes here. '}
        The tuned model then appears in the model pickers as base+name.
      </p>
    </div>
  );
}

export function FineTuneListPage() {
  const { workspaceId, role } = useSession();
  const navigate = useNavigate();
  const [jobs, setJobs] = useState<FineTuneJob[] | null>(null);
  const [uploading, setUploading] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const editable = canBuild(role);

  const load = useCallback(
    (signal?: AbortSignal) =>
      listFineTunes(workspaceId, signal)
        .then((page) => setJobs(page.results))
        .catch((e: unknown) => {
          if (!isAbortError(e)) setError(e);
        }),
    [workspaceId],
  );
  useEffect(() => {
    const controller = new AbortController();
    void load(controller.signal);
    return () => controller.abort();
  }, [load]);

  // While a job trains its row follows it (step, loss); a slower poll than the job page's.
  const anyLive = (jobs ?? []).some(isLive);
  useEffect(() => {
    if (!anyLive) return undefined;
    const timer = setInterval(() => void load(), LIST_POLL_MS);
    return () => clearInterval(timer);
  }, [anyLive, load]);

  return (
    <section className="page finetune-page" aria-labelledby="page-title">
      <header className="prompts-header">
        <div>
          <h1 id="page-title">Fine-tuning</h1>
          <p className="muted">Adapters trained on a dataset's expected outputs, compared with their base model on held-out rows.</p>
        </div>
        {editable && (
          <div className="prompts-actions">
            <button type="button" onClick={() => setUploading(true)}>
              Upload adapter
            </button>
            <Link className="button button-primary" to="/finetune/new">
              New fine-tune
            </Link>
          </div>
        )}
      </header>
      {error !== null && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
      {jobs === null ? (
        error === null && <p className="muted">Loading…</p>
      ) : jobs.length === 0 ? (
        <EmptyState editable={editable} />
      ) : (
        <table className="prompt-table" aria-label="Fine-tuned models">
          <thead>
            <tr>
              <th>Model</th>
              <th>Method</th>
              <th>Status</th>
              <th>Dataset</th>
              <th title="The last validation loss measured">Validation loss</th>
              <th>Created</th>
            </tr>
          </thead>
          <tbody>
            {jobs.map((job) => (
              <FineTuneRow key={job.id} job={job} />
            ))}
          </tbody>
        </table>
      )}
      {uploading && <UploadAdapterDialog onClose={() => setUploading(false)} onUploaded={(job) => navigate(`/finetune/${job.id}`)} />}
    </section>
  );
}
