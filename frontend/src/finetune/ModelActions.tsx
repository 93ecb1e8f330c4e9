/** What a finished model offers: try it in the playground, download its adapter, merge it into
 * its base model (LoRA and IA3 only) and download the merged model. */
import { useState } from 'react';
import { Link } from 'react-router';
import { ErrorNotice } from '../components/ErrorNotice';
import { useSession } from '../session';
import { adapterUrl, mergedUrl, mergeFineTune } from './api';
import { canMerge, methodLabel } from './methods';
import type { FineTuneJob } from './types';

function MergeControl({ job, editable, onJob }: { job: FineTuneJob; editable: boolean; onJob: (job: FineTuneJob) => void }) {
  const { workspaceId } = useSession();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const merging = job.merge_status === 'queued' || job.merge_status === 'running';
  const mergeable = canMerge(job.method);
  const why = mergeable
    ? 'Fold the adapter into a copy of the base model: one model to download, no adapter needed.'
    : `Only LoRA and IA3 adapters fold into the base model's weights; ${methodLabel(job.method)} adds tokens or prompts the base model cannot hold.`;
  const merge = () => {
    setBusy(true);
    setError(null);
    mergeFineTune(workspaceId, job.id)
      .then(onJob)
      .catch(setError)
      .finally(() => setBusy(false));
  };

  if (job.merge_status === 'done') {
    return (
      <a className="button" href={mergedUrl(workspaceId, job.id)} download>
        Download merged model
      </a>
    );
  }
  return (
    <>
      {editable && (
        <span title={why} className="ft-why">
          <button type="button" onClick={merge} disabled={!mergeable || busy || merging} aria-describedby="merge-why">
            {merging ? 'Merging…' : job.merge_status === 'failed' ? 'Merge again' : 'Merge into base model'}
          </button>
        </span>
      )}
      {merging && <span className="spinner" aria-label="Merging" />}
      {!mergeable && editable && (
        <span id="merge-why" className="muted small">
          {why}
        </span>
      )}
      {job.merge_status === 'failed' && <span className="text-error small">Merge failed: {job.merge_error || 'no reason given.'}</span>}
      {error !== null && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
    </>
  );
}

export function ModelActions({ job, editable, onJob }: { job: FineTuneJob; editable: boolean; onJob: (job: FineTuneJob) => void }) {
  const { workspaceId } = useSession();
  return (
    <section className="panel ft-card" aria-labelledby="model-title">
      <h2 id="model-title">The tuned model</h2>
      <p className="muted small">
        Served in this workspace as <code>{job.model}</code> (provider local): pick it in the playground, a prompt, an app's
        LLM node or an experiment.
      </p>
      <div className="ft-actions">
        <Link className="button button-primary" to="/playground" title={`In a column, choose “${job.model} (local, fine-tuned)” as the model`}>
          Try in playground
        </Link>
        <a className="button" href={adapterUrl(workspaceId, job.id)} download>
          Download adapter
        </a>
        <MergeControl job={job} editable={editable} onJob={onJob} />
      </div>
    </section>
  );
}
