/** The base-vs-tuned comparison in words. */
import type { TuneEvaluation } from './types';

export const evaluationRunning = (e: TuneEvaluation) => e.status === 'queued' || e.status === 'running';

/** "The tuned model is better on 9 of 10 held-out rows vs 3 of 10 for the base model." */
export function winnerText(e: TuneEvaluation): string {
  const { base, tuned } = e;
  if (!base || !tuned) return '';
  if (e.winner === 'tuned') return `The tuned model is better on ${tuned.good} of ${tuned.n} held-out rows vs ${base.good} of ${base.n} for the base model.`;
  if (e.winner === 'base') return `The base model is better on ${base.good} of ${base.n} held-out rows vs ${tuned.good} of ${tuned.n} for the tuned model.`;
  if (e.winner === 'tie') return `No clear winner: the tuned model is good on ${tuned.good} of ${tuned.n} held-out rows, the base model on ${base.good} of ${base.n}.`;
  return '';
}
