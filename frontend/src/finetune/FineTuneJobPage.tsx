/** /finetune/:jobId — one fine-tune: its status, what it is, its training live (progress, tokens/s,
 * ETA, the loss curve), cancel while it runs and delete once it has finished; a succeeded model
 * can be tried, downloaded, merged and compared with its base model on the held-out rows. */
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { ErrorNotice } from '../components/ErrorNotice';
import { Modal } from '../components/Modal';
import { canBuild } from '../prompts/parts';
import { useSession } from '../session';
import { cancelFineTune, deleteFineTune } from './api';
import { EvaluationCard } from './EvaluationCard';
import './finetune.css';
import { JobFacts } from './JobFacts';
import { ModelActions } from './ModelActions';
import { isFinished, isTraining, TuneStatusBadge } from './parts';
import { TrainingPanel } from './TrainingPanel';
import type { FineTuneJob } from './types';
import { useFineTuneJob } from './useFineTuneJob';

function DeleteDialog({ job, onCancel, onConfirm }: { job: FineTuneJob; onCancel: () => void; onConfirm: () => void }) {
  return (
    <Modal role="alertdialog" labelledBy="delete-title" onClose={onCancel}>
      <h2 id="delete-title">Delete “{job.model}”?</h2>
      <p>
        Its adapter{job.merge_status === 'done' ? ', the merged model' : ''} and its loss curve go with it, and apps stop being able to
        call it. This cannot be undone.
      </p>
      <footer className="modal-foot">
        <button type="button" autoFocus onClick={onCancel}>
          Keep it
        </button>
        <button type="button" className="button-danger" onClick={onConfirm}>
          Delete fine-tune
        </button>
      </footer>
    </Modal>
  );
}

function Failure({ job }: { job: FineTuneJob }) {
  if (job.status !== 'failed' || !job.error) return null;
  return (
    <div className="notice notice-error ft-failure" role="alert" data-testid="failure">
      <div className="notice-body">
        <strong>The fine-tune failed: {job.error.message}</strong>
        <span className="notice-code">{job.error.code}</span>
      </div>
    </div>
  );
}

export function FineTuneJobPage() {
  const { jobId = '' } = useParams();
  const { workspaceId, role } = useSession();
  const navigate = useNavigate();
  const { job, setJob, loadError } = useFineTuneJob(jobId);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const editable = canBuild(role);

  if (!job) return <section className="page">{loadError !== null ? <ErrorNotice error={loadError} /> : <p className="muted">Loading…</p>}</section>;

  const cancel = () => {
    setError(null);
    cancelFineTune(workspaceId, job.id).then(setJob).catch(setError);
  };
  const remove = () => {
    setConfirmDelete(false);
    setError(null);
    deleteFineTune(workspaceId, job.id)
      .then(() => navigate('/finetune'))
      .catch(setError);
  };

  return (
    <section className="page finetune-page" aria-labelledby="page-title">
      <p className="breadcrumbs">
        <Link to="/finetune">Fine-tuning</Link> / {job.name}
      </p>
      <header className="prompts-header">
        <div>
          <h1 id="page-title">
            {job.model} <TuneStatusBadge job={job} />
          </h1>
        </div>
        {editable && (
          <div className="prompts-actions">
            {isTraining(job.status) && (
              <button type="button" onClick={cancel} disabled={job.cancel_requested} title="Stop training; a cancelled job keeps nothing">
                {job.cancel_requested ? 'Cancelling…' : 'Cancel'}
              </button>
            )}
            {isFinished(job.status) && (
              <button type="button" className="button-danger-quiet ft-delete" onClick={() => setConfirmDelete(true)}>
                Delete
              </button>
            )}
          </div>
        )}
      </header>
      {error !== null && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
      {loadError !== null && <ErrorNotice error={loadError} />}
      <Failure job={job} />
      <JobFacts job={job} />
      <TrainingPanel job={job} />
      {job.status === 'succeeded' && (
        <>
          <ModelActions job={job} editable={editable} onJob={setJob} />
          {job.source === 'trained' && <EvaluationCard job={job} editable={editable} onJob={setJob} />}
        </>
      )}
      {confirmDelete && <DeleteDialog job={job} onCancel={() => setConfirmDelete(false)} onConfirm={remove} />}
    </section>
  );
}
