/** Small pieces shared by the annotation pages. */
import { canBuild } from '../prompts/parts';
import type { ItemStatus, ScoreConfig } from './types';

export const canManage = canBuild;
export const canAdjudicate = (role: string) => role === 'owner';
export const canReview = (role: string) => role === 'owner' || role === 'builder' || role === 'annotator';

/** A thin progress bar with its count beside it. */
export function ThinProgress({ done, total, label }: { done: number; total: number; label: string }) {
  const share = total ? Math.min(1, done / total) : 0;
  return (
    <div className="ann-progress">
      <div className="ann-bar" role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={total} aria-valuenow={done}>
        <div className="ann-bar-fill" style={{ width: `${Math.round(share * 100)}%` }} />
      </div>
      <span className="ann-progress-text">
        {done} / {total}
      </span>
    </div>
  );
}

const STATUS_TEXT: Record<ItemStatus, string> = { pending: 'pending', in_review: 'in review', completed: 'completed', skipped: 'skipped' };

export function ItemStatusChip({ status }: { status: ItemStatus }) {
  return <span className={`ann-chip ann-status-${status}`}>{STATUS_TEXT[status] ?? status}</span>;
}

export function dueText(due: string | null): string {
  if (!due) return '—';
  const date = new Date(due);
  const days = Math.ceil((date.getTime() - Date.now()) / 86_400_000);
  const day = date.toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
  if (days < 0) return `${day} (overdue)`;
  if (days === 0) return `${day} (today)`;
  return `${day} (in ${days} d)`;
}

/** A config's scale in a few words: "yes · partly · no", "1–5 step 1", "yes / no", "free text". */
export function scaleText(config: ScoreConfig): string {
  if (config.kind === 'categorical') return config.options.join(' · ');
  if (config.kind === 'numeric') return `${config.min ?? ''}–${config.max ?? ''}${config.step && config.step !== 1 ? ` step ${config.step}` : ''}`;
  if (config.kind === 'boolean') return 'yes / no';
  return 'free text';
}

/** A value as pretty text: strings as they are, anything else as indented JSON. */
export function pretty(value: unknown): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value, null, 2);
}
