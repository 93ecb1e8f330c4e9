/** Reviewers' scores side by side, one column per reviewer (and the final result where there is
 * one). Only shown where the API sends them: in a blind queue, after the caller submitted. */
import { scoreText } from './keys';
import type { FinalResult, ReviewRecord, ScoreConfig } from './types';

export function ReviewsTable({ reviews, configs, final, label = 'Reviews' }: {
  reviews: ReviewRecord[];
  configs: ScoreConfig[];
  final?: FinalResult | null;
  label?: string;
}) {
  const submitted = reviews.filter((r) => r.status === 'submitted');
  if (submitted.length === 0 && !final) return null;
  const differs = (key: string) => new Set(submitted.map((r) => JSON.stringify(r.scores[key] ?? null))).size > 1;
  return (
    <table className="ann-table ann-reviews" aria-label={label}>
      <thead>
        <tr>
          <th />
          {submitted.map((r) => (
            <th key={r.reviewer}>{r.reviewer}</th>
          ))}
          {final && <th>Final{final.adjudicated_by ? ` (${final.adjudicated_by})` : ''}</th>}
        </tr>
      </thead>
      <tbody>
        {configs.map((c) => {
          const key = String(c.id);
          return (
            <tr key={c.id} className={differs(key) ? 'ann-differs' : ''}>
              <th scope="row">{c.name}</th>
              {submitted.map((r) => (
                <td key={r.reviewer}>{scoreText(r.scores[key])}</td>
              ))}
              {final && <td data-testid={`final-${c.id}`}>{scoreText(final.scores[key])}</td>}
            </tr>
          );
        })}
        <tr>
          <th scope="row">Corrected output</th>
          {submitted.map((r) => (
            <td key={r.reviewer} className="ann-text">
              {r.corrected_output ?? <span className="muted">unchanged</span>}
            </td>
          ))}
          {final && <td className="ann-text">{final.corrected_output ?? <span className="muted">unchanged</span>}</td>}
        </tr>
        {submitted.some((r) => r.comment) && (
          <tr>
            <th scope="row">Comment</th>
            {submitted.map((r) => (
              <td key={r.reviewer} className="ann-text">
                {r.comment}
              </td>
            ))}
            {final && <td />}
          </tr>
        )}
      </tbody>
    </table>
  );
}
