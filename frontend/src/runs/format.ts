/** How the run pages write ids, versions, usage and times. Pure. */
import type { RunRow } from './types';

export const FINISHED = ['succeeded', 'failed', 'cancelled'];

export function shortId(id: string): string {
  return id.slice(0, 8);
}

/** "v2", "v2 · production", "draft" (test runs of the draft), "node" (a single node of the draft),
 * "—" for the playground (no app version: the prompt says what ran). */
export function versionText(run: Pick<RunRow, 'version' | 'label' | 'source'>): string {
  if (run.source === 'playground') return '—';
  const v = run.version !== null ? `v${run.version}` : run.source === 'node' ? 'node' : 'draft';
  return run.label ? `${v} · ${run.label}` : v;
}

/** What a run ran: its app's name, or for the playground its prompt ("support@v3", "draft prompt"). */
export function runSubject(run: Pick<RunRow, 'app' | 'prompt'>): string {
  if (run.app) return run.app.name;
  return run.prompt ? `${run.prompt.name} v${run.prompt.number}` : 'Draft prompt';
}

export function tokensText(run: Pick<RunRow, 'tokens_in' | 'tokens_out'>): string {
  return run.tokens_in || run.tokens_out ? `${run.tokens_in.toLocaleString()} → ${run.tokens_out.toLocaleString()}` : '—';
}

/** Dollars like the editor's badges ($0.0021), with two significant digits below $0.0001. */
export function costText(cost: number | null | undefined): string {
  if (!cost) return '—';
  return cost >= 0.0001 ? `$${cost.toFixed(4)}` : `$${cost.toPrecision(2)}`;
}

export function keyText(key: RunRow['key']): string {
  return key ? `${key.name} · lsk_${key.prefix}…` : '—';
}
