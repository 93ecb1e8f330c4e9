/** A job's training as it goes: step of total, tokens/s, time left, the loss curve — or, for an
 * uploaded adapter, that it was not trained here. */
import { LossCurve } from './LossCurve';
import { durationText, isTraining, lastLoss, lossText, StepProgress } from './parts';
import type { FineTuneJob } from './types';

function Figures({ job }: { job: FineTuneJob }) {
  const running = job.status === 'running';
  return (
    <p className="ft-figures muted small" data-testid="training-figures">
      {job.status === 'queued' && <span>Waiting for the fine-tuning worker (one job at a time).</span>}
      {job.tokens_per_s !== null && <span>{Math.round(job.tokens_per_s).toLocaleString()} tokens/s</span>}
      {running && job.eta_s !== null && <span>about {durationText(job.eta_s)} left</span>}
      <span>training loss {lossText(lastLoss(job.losses))}</span>
      <span>validation loss {lossText(lastLoss(job.val_losses))}</span>
    </p>
  );
}

export function TrainingPanel({ job }: { job: FineTuneJob }) {
  if (job.source === 'uploaded') {
    return (
      <section className="panel ft-card" aria-labelledby="training-title">
        <h2 id="training-title">Training</h2>
        <p className="muted" data-testid="uploaded-note">
          This adapter was uploaded, not trained here: there is no loss curve. It is served as <code>{job.model}</code>.
        </p>
      </section>
    );
  }
  const started = job.losses.length > 0 || job.val_losses.length > 0;
  return (
    <section className="panel ft-card" aria-labelledby="training-title">
      <h2 id="training-title">Training</h2>
      {job.total_steps > 0 && <StepProgress job={job} label="Training progress" />}
      <Figures job={job} />
      {started ? (
        <LossCurve losses={job.losses} valLosses={job.val_losses} totalSteps={job.total_steps} />
      ) : (
        <p className="muted ft-chart-empty">{isTraining(job.status) ? 'The loss curve draws itself from the first step.' : 'No step was trained.'}</p>
      )}
    </section>
  );
}
