/** Base vs tuned on the held-out rows: each model's good-result ratio with its 95 % interval (a
 * bar with the interval drawn over it), the winner in words, progress while the comparison runs,
 * the experiment it is, and another run with a chosen evaluator. */
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { ErrorNotice } from '../components/ErrorNotice';
import { listEvaluatorTypes } from '../evaluations/api';
import { percent, ProgressBar } from '../evaluations/parts';
import { useSession } from '../session';
import { evaluateFineTune } from './api';
import { evaluationRunning, winnerText } from './evaluation';
import type { EvaluationSide, FineTuneJob } from './types';

/** Evaluators that need nothing but the expected output (no settings to fill in here). */
const SIMPLE_EVALUATORS = ['similarity', 'exact_match', 'numeric', 'json_valid'];

function RatioBar({ side, label, best }: { side: EvaluationSide; label: string; best: boolean }) {
  const ratio = side.ratio ?? 0;
  const low = side.ci_low ?? ratio;
  const high = side.ci_high ?? ratio;
  return (
    <div className={`ft-ratio${best ? ' best' : ''}`} data-testid={`ratio-${label}`}>
      <span className="ft-ratio-name" title={side.model}>
        {label} <span className="muted small">{side.model}</span>
      </span>
      <span className="ft-ratio-track" aria-hidden="true">
        <span className="ft-ratio-fill" style={{ width: `${ratio * 100}%` }} />
        <span className="ft-ratio-ci" style={{ left: `${low * 100}%`, width: `${Math.max(0, high - low) * 100}%` }} />
      </span>
      <span className="ft-ratio-figure">
        <strong>{percent(side.ratio)}</strong>{' '}
        <span className="muted small">
          {side.ci_low !== null && side.ci_high !== null ? `95 % interval ${percent(side.ci_low)}–${percent(side.ci_high)} · ` : ''}
          {side.good}/{side.n}
        </span>
      </span>
    </div>
  );
}

function EvaluateAgain({ job, editable, onJob }: { job: FineTuneJob; editable: boolean; onJob: (job: FineTuneJob) => void }) {
  const { workspaceId } = useSession();
  const [types, setTypes] = useState<string[]>(['similarity', 'exact_match']);
  const [type, setType] = useState('similarity');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    const controller = new AbortController();
    listEvaluatorTypes(workspaceId, controller.signal)
      .then((all) => {
        const simple = SIMPLE_EVALUATORS.filter((t) => all.some((a) => a.type === t));
        if (simple.length) setTypes(simple);
      })
      .catch(() => undefined);
    return () => controller.abort();
  }, [workspaceId]);

  if (!editable) return null;
  const running = job.evaluation !== null && evaluationRunning(job.evaluation);
  const noRows = job.validation_rows === 0;
  const start = () => {
    setBusy(true);
    setError(null);
    evaluateFineTune(workspaceId, job.id, { type })
      .then(onJob)
      .catch(setError)
      .finally(() => setBusy(false));
  };
  return (
    <div className="ft-evaluate">
      <label className="inline">
        Judge by
        <select aria-label="Evaluator" value={type} onChange={(e) => setType(e.target.value)}>
          {types.map((t) => (
            <option key={t} value={t}>
              {t.replace('_', ' ')}
            </option>
          ))}
        </select>
      </label>
      <button
        type="button"
        onClick={start}
        disabled={busy || running || noRows}
        title={noRows ? 'No rows were held out: start a fine-tune with a validation share above 0 to compare.' : undefined}
      >
        {job.evaluation ? 'Evaluate again' : 'Compare with the base model'}
      </button>
      {error !== null && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
    </div>
  );
}

export function EvaluationCard({ job, editable, onJob }: { job: FineTuneJob; editable: boolean; onJob: (job: FineTuneJob) => void }) {
  const e = job.evaluation;
  return (
    <section className="panel ft-card" aria-labelledby="evaluation-title" data-testid="evaluation-card">
      <div className="panel-header">
        <h2 id="evaluation-title">Base vs tuned on held-out rows</h2>
        {e && (
          <span className="small">
            <Link to={`/evaluations/experiments/${e.experiment_id}`}>Open as experiment</Link>
            {!evaluationRunning(e) && job.dataset_id !== null && (
              <>
                {' · '}
                <Link to={`/evaluations/experiments/new?dataset=${job.dataset_id}&version=${job.dataset_version ?? ''}&rows_of=${e.experiment_id}`}>
                  Compare app versions on these rows
                </Link>
              </>
            )}
          </span>
        )}
      </div>
      {!e ? (
        <p className="muted">
          {job.validation_rows > 0
            ? `Not compared yet: both models answer the ${job.validation_rows} held-out rows, and an evaluator judges each answer against the expected output.`
            : 'No rows were held out from training, so there is nothing to compare on.'}
        </p>
      ) : (
        <>
          {evaluationRunning(e) && (
            <div className="ft-eval-progress">
              <ProgressBar done={e.cells_done} total={e.cells_total} label="Comparison progress" />
              <span className="muted small">Both models answer the held-out rows…</span>
            </div>
          )}
          <div className="ft-ratios" role="group" aria-label={`Good results judged by ${e.primary_evaluator}`}>
            {e.base && <RatioBar side={e.base} label="base" best={!evaluationRunning(e) && e.winner === 'base'} />}
            {e.tuned && <RatioBar side={e.tuned} label="tuned" best={!evaluationRunning(e) && e.winner === 'tuned'} />}
          </div>
          {e.winner && !evaluationRunning(e) && (
            <p className="ft-winner" data-testid="winner">
              {winnerText(e)}
            </p>
          )}
          <p className="muted small">Judged by {e.primary_evaluator}; the bars show the share of good results, the darker band its 95 % interval.</p>
        </>
      )}
      <EvaluateAgain job={job} editable={editable} onJob={onJob} />
    </section>
  );
}
