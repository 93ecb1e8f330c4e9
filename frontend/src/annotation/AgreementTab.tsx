/** How much reviewers agree, per score config: the raw share of agreeing pairs, and two measures
 * that discount agreement by chance. */
import { useEffect, useState } from 'react';
import { isAbortError } from '../api/client';
import { ErrorNotice } from '../components/ErrorNotice';
import { useSession } from '../session';
import { getAgreement } from './api';
import type { AgreementRow, Queue } from './types';

const figure = (value: number | null) => (value === null ? '–' : value.toFixed(2));
const share = (value: number | null) => (value === null ? '–' : `${Math.round(value * 100)} %`);

/** A reading of kappa or alpha on the usual scale (Landis & Koch). */
export function strength(value: number | null): string {
  if (value === null) return '';
  if (value < 0) return 'worse than chance';
  if (value < 0.2) return 'slight';
  if (value < 0.4) return 'fair';
  if (value < 0.6) return 'moderate';
  if (value < 0.8) return 'substantial';
  return 'almost perfect';
}

function Row({ row }: { row: AgreementRow }) {
  const text = row.config.kind === 'text';
  return (
    <tr data-testid="agreement-row">
      <th scope="row">
        {row.config.name} <span className="muted small">{row.config.kind}</span>
      </th>
      <td className="num">{row.items}</td>
      <td className="num">{row.ratings}</td>
      <td className="num">{text ? '–' : share(row.percent_agreement)}</td>
      <td className="num" title={strength(row.cohen_kappa)}>
        {figure(row.cohen_kappa)}
      </td>
      <td className="num" title={strength(row.krippendorff_alpha)}>
        {figure(row.krippendorff_alpha)} <span className="muted small">{strength(row.krippendorff_alpha)}</span>
      </td>
      <td>{row.level ?? <span className="muted">no figures for free text</span>}</td>
    </tr>
  );
}

export function AgreementTab({ queue }: { queue: Queue }) {
  const { workspaceId } = useSession();
  const [rows, setRows] = useState<AgreementRow[] | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    const controller = new AbortController();
    getAgreement(workspaceId, queue.id, controller.signal)
      .then((a) => setRows(a.configs))
      .catch((e: unknown) => {
        if (!isAbortError(e)) setError(e);
      });
    return () => controller.abort();
  }, [workspaceId, queue.id]);

  if (error !== null) return <ErrorNotice error={error} />;
  if (rows === null) return <p className="muted">Loading…</p>;
  return (
    <section aria-label="Agreement">
      {queue.required_reviews < 2 && (
        <p className="muted small">This queue asks one review per item: agreement needs items reviewed by two people or more.</p>
      )}
      <table className="ann-table" aria-label="Agreement per score config">
        <thead>
          <tr>
            <th>Score config</th>
            <th className="num">Items</th>
            <th className="num">Ratings</th>
            <th className="num">Agreement</th>
            <th className="num">Cohen's κ</th>
            <th className="num">Krippendorff's α</th>
            <th>Level</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <Row key={row.config.id} row={row} />
          ))}
        </tbody>
      </table>
      <dl className="ann-measures small">
        <dt>Agreement</dt>
        <dd>the share of reviewer pairs on an item who gave the same value — easy to read, but inflated when one value is common.</dd>
        <dt>Cohen's κ</dt>
        <dd>agreement of two reviewers beyond what chance would give (items with exactly two ratings); 0 = chance, 1 = perfect.</dd>
        <dt>Krippendorff's α</dt>
        <dd>agreement beyond chance for any number of reviewers and missing ratings, at the config's level; above 0.8 is reliable, below 0.67 is not.</dd>
        <dt>Level</dt>
        <dd>nominal: names (a different value is a miss); ordinal: a rating scale (near misses count less); interval: measurements.</dd>
      </dl>
    </section>
  );
}
