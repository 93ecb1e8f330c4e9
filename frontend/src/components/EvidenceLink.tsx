/** Where a label move came from, when another part of the product made it: the experiment (and its
 * variant) that a version was promoted from, linked so a version's history leads to its evidence. */
import { Link } from 'react-router';

export interface MoveEvidence {
  experiment?: number;
  experiment_name?: string;
  variant?: number;
  variant_name?: string;
}

export function EvidenceLink({ evidence }: { evidence?: MoveEvidence | null }) {
  if (!evidence?.experiment) return null;
  return (
    <span className="small evidence-link">
      {' '}
      · from experiment{' '}
      <Link to={`/evaluations/experiments/${evidence.experiment}`}>{evidence.experiment_name ?? `#${evidence.experiment}`}</Link>
      {evidence.variant_name ? ` (${evidence.variant_name})` : ''}
    </span>
  );
}
