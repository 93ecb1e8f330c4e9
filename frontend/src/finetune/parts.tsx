/** Small pieces shared by the fine-tuning pages. */
import type { FineTuneJob, TuneStatus } from './types';

const FINISHED: readonly TuneStatus[] = ['succeeded', 'failed', 'cancelled'];
export const isFinished = (status: TuneStatus) => FINISHED.includes(status);
export const isTraining = (status: TuneStatus) => status === 'queued' || status === 'running';

/** Whether the job page has something moving to follow: training, a merge or an evaluation. */
export function isLive(job: FineTuneJob): boolean {
  const evaluation = job.evaluation?.status;
  return (
    isTraining(job.status) ||
    job.merge_status === 'queued' ||
    job.merge_status === 'running' ||
    evaluation === 'queued' ||
    evaluation === 'running'
  );
}

export function TuneStatusBadge({ job }: { job: Pick<FineTuneJob, 'status' | 'cancel_requested'> }) {
  const cancelling = job.cancel_requested && isTraining(job.status);
  return (
    <span className={`chip status-chip ft-status status-${job.status}`} data-testid="tune-status">
      {cancelling ? 'cancelling' : job.status}
    </span>
  );
}

/** "step 40/120" with a bar (no bar before the first step is known). */
export function StepProgress({ job, label }: { job: Pick<FineTuneJob, 'step' | 'total_steps' | 'name'>; label?: string }) {
  if (!job.total_steps) return null;
  const share = Math.min(1, job.step / job.total_steps);
  return (
    <div
      className="progress ft-progress"
      role="progressbar"
      aria-valuemin={0}
      aria-valuemax={job.total_steps}
      aria-valuenow={job.step}
      aria-label={label ?? `Training progress of ${job.name}`}
    >
      <div className="progress-fill" style={{ width: `${Math.round(share * 100)}%` }} />
      <span className="progress-text">
        step {job.step}/{job.total_steps}
      </span>
    </div>
  );
}

/** 75 → "1 min 15 s", 3900 → "1 h 5 min". */
export function durationText(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const minutes = Math.floor(s / 60);
  if (minutes < 60) return s % 60 ? `${minutes} min ${s % 60} s` : `${minutes} min`;
  const rest = minutes % 60;
  return rest ? `${Math.floor(minutes / 60)} h ${rest} min` : `${Math.floor(minutes / 60)} h`;
}

/** The last validation loss, or null when none was measured. */
export function lastLoss(points: readonly [number, number][]): number | null {
  const last = points[points.length - 1];
  return last ? last[1] : null;
}

export const lossText = (loss: number | null) => (loss === null ? '–' : loss.toFixed(3));

export const dateText = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : '–');
