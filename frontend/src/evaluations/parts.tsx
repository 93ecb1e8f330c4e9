/** Small pieces shared by the evaluation pages. */
import type { ExperimentStatus } from './types';

export function ProgressBar({ done, total, label }: { done: number; total: number; label?: string }) {
  const share = total ? done / total : 0;
  return (
    <div className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={total} aria-valuenow={done} aria-label={label ?? 'Cells done'}>
      <div className="progress-fill" style={{ width: `${Math.round(share * 100)}%` }} />
      <span className="progress-text">
        {done} / {total}
      </span>
    </div>
  );
}

export function StatusChip({ status }: { status: ExperimentStatus }) {
  return <span className={`chip status-chip status-${status}`}>{status}</span>;
}

export const percent = (value: number | null | undefined) => (value === null || value === undefined ? '–' : `${Math.round(value * 100)} %`);

/** A cell's value as one line of text. */
export function display(value: unknown): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}
