/** What a job is: method, base model, data, rows, trainable parameters, training settings. */
import { Link } from 'react-router';
import { methodLabel, trainableText } from './methods';
import { dateText } from './parts';
import type { FineTuneJob } from './types';

export function JobFacts({ job }: { job: FineTuneJob }) {
  const settings = Object.entries(job.method_settings)
    .map(([k, v]) => `${k} ${Array.isArray(v) ? v.join(', ') : String(v)}`)
    .join(' · ');
  return (
    <dl className="facts ft-facts" data-testid="job-facts">
      <dt>Method</dt>
      <dd>
        {methodLabel(job.method)}
        {settings && <span className="muted small"> · {settings}</span>}
      </dd>
      <dt>Base model</dt>
      <dd>{job.base_model}</dd>
      {job.source === 'uploaded' ? (
        <>
          <dt>Source</dt>
          <dd>Uploaded adapter</dd>
        </>
      ) : (
        <>
          <dt>Dataset</dt>
          <dd>
            {job.dataset_id ? (
              <Link to={`/evaluations/datasets/${job.dataset_id}`}>
                {job.dataset_name} v{job.dataset_version}
              </Link>
            ) : (
              '–'
            )}
          </dd>
          <dt>Rows</dt>
          <dd>
            {job.train_rows || job.validation_rows
              ? `${job.train_rows} training / ${job.validation_rows} validation`
              : `${Math.round(job.validation_share * 100)} % held out for validation`}
          </dd>
          <dt>Training</dt>
          <dd className="small">
            {job.epochs} epochs · learning rate {job.learning_rate} · batch {job.batch_size} · max length {job.max_length} · seed{' '}
            {job.seed}
          </dd>
        </>
      )}
      {job.trainable_params !== null && (
        <>
          <dt>Trainable</dt>
          <dd>{trainableText(job.trainable_params, job.total_params)}</dd>
        </>
      )}
      <dt>Created</dt>
      <dd className="small">
        {dateText(job.created_at)}
        {job.finished_at && ` · finished ${dateText(job.finished_at)}`}
      </dd>
    </dl>
  );
}
