/** One experiment: its progress (live, with pause / resume / cancel), the answer a prompt engineer
 * wants — the good-result ratio per variant with its interval, the variant × task matrix with the
 * winner per task, cost and latency beside it, promote — and the results grid to label. */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Link, useParams } from 'react-router';
import { AddToQueue } from '../annotation/AddToQueue';
import { isAbortError } from '../api/client';
import type { JobEvent } from '../api/types';
import { ErrorNotice } from '../components/ErrorNotice';
import { canBuild } from '../prompts/parts';
import { useWorkspaceEvents } from '../realtime/useWorkspaceEvents';
import { useSession } from '../session';
import {
  exportExperimentUrl,
  getExperiment,
  getSummary,
  labelCell,
  listResultRows,
  stepExperiment,
  unlabelCell,
} from './api';
import './evaluations.css';
import { percent, ProgressBar, StatusChip } from './parts';
import { CostQualityChart, RatioChart } from './RatioChart';
import { ResultsGrid, type LabelChange } from './ResultsGrid';
import { PromoteDialog, PromotedNotice } from './PromoteDialog';
import type { Promotion } from './api';
import type { CellLabel, ExperimentDetail, ExperimentSummary, ResultCell, ResultRow, Variant } from './types';

const FILTERS = [
  ['', 'All rows'],
  ['unlabelled', 'Unlabelled by me'],
  ['failed', 'Failed'],
  ['disagreements', 'Variants disagree'],
  ['evaluator_good_human_bad', 'Evaluator good, human bad'],
] as const;

const running = (x: ExperimentDetail | null) => x !== null && (x.status === 'queued' || x.status === 'running');

export function ExperimentPage() {
  const { experimentId = '' } = useParams();
  const { workspaceId, role } = useSession();
  const [experiment, setExperiment] = useState<ExperimentDetail | null>(null);
  const [summary, setSummary] = useState<ExperimentSummary | null>(null);
  const [rows, setRows] = useState<ResultRow[] | null>(null);
  const [filter, setFilter] = useState('');
  const [tag, setTag] = useState('');
  const [blind, setBlind] = useState(false);
  const [diff, setDiff] = useState<[number, number] | null>(null);
  const [progress, setProgress] = useState('');
  const [promoting, setPromoting] = useState<Variant | null>(null);
  const [promoted, setPromoted] = useState<Promotion | null>(null);
  const [error, setError] = useState<unknown>(null);
  const undo = useRef<{ cell: ResultCell; before: CellLabel | null }[]>([]);
  const editable = canBuild(role);

  const refresh = useCallback(
    (signal?: AbortSignal) =>
      Promise.all([
        getExperiment(workspaceId, experimentId, signal),
        getSummary(workspaceId, experimentId, signal),
        listResultRows(workspaceId, experimentId, filter, tag, signal),
      ])
        .then(([x, s, r]) => {
          setExperiment(x);
          setSummary(s);
          setRows(r.results);
        })
        .catch((e: unknown) => {
          if (!isAbortError(e)) setError(e);
        }),
    [workspaceId, experimentId, filter, tag],
  );
  useEffect(() => {
    const controller = new AbortController();
    void refresh(controller.signal);
    return () => controller.abort();
  }, [refresh]);

  // Live progress: the experiment's job reports over the workspace websocket; a slow poll keeps
  // the grid filling in (and covers a dropped socket).
  const onJob = useCallback(
    (event: JobEvent) => {
      if (!experiment || event.job.id !== experiment.job_id) return;
      setProgress(event.job.message ?? '');
      if (event.type === 'job.finished' || event.type === 'job.failed') void refresh();
    },
    [experiment, refresh],
  );
  useWorkspaceEvents(workspaceId, onJob);
  const live = running(experiment);
  useEffect(() => {
    if (!live) return undefined;
    const timer = setInterval(() => void refresh(), 2000);
    return () => clearInterval(timer);
  }, [live, refresh]);

  const names = useMemo(() => Object.fromEntries((experiment?.variants ?? []).map((v) => [v.id, v.name])), [experiment]);

  const replaceCell = (updated: ResultCell) =>
    setRows((rs) => rs && rs.map((r) => ({ ...r, cells: r.cells.map((c) => (c.id === updated.id ? updated : c)) })));

  const apply = (cell: ResultCell, label: CellLabel | { good: boolean; score?: number | null } | null): Promise<void> => {
    if (!label) return unlabelCell(workspaceId, experimentId, cell.id).then(() => refresh()).catch(setError);
    return labelCell(workspaceId, experimentId, cell.id, { good: label.good, score: label.score ?? null })
      .then((updated) => {
        replaceCell(updated);
        return getSummary(workspaceId, experimentId).then(setSummary);
      })
      .catch(setError);
  };
  const onLabel = ({ cell, label }: LabelChange) => {
    undo.current.push({ cell, before: cell.my_label });
    void apply(cell, label);
  };
  const onUndo = () => {
    const last = undo.current.pop();
    if (last) void apply(last.cell, last.before);
  };

  const step = (which: 'pause' | 'resume' | 'cancel') =>
    stepExperiment(workspaceId, experimentId, which).then(setExperiment).catch(setError);
  const onPromoted = (promotion: Promotion) => {
    setPromoting(null);
    setPromoted(promotion);
  };

  if (!experiment) return <section className="page">{error !== null ? <ErrorNotice error={error} /> : <p className="muted">Loading…</p>}</section>;
  const best = summary && !summary.tied ? summary.best_variant_id : null;
  const tags = summary?.tasks.map((t) => t.task).filter((t) => t !== '(untagged)') ?? [];

  return (
    <section className="page experiment-page" aria-labelledby="page-title">
      <p className="breadcrumbs">
        <Link to="/evaluations">Evaluations</Link> / <Link to={`/evaluations/datasets/${experiment.dataset_id}`}>{experiment.dataset_name} v{experiment.dataset_version}</Link>
      </p>
      <header className="prompts-header">
        <div>
          <h1 id="page-title">
            {experiment.name} <StatusChip status={experiment.status} />
          </h1>
          <ProgressBar done={experiment.cells_done} total={experiment.cells_total} label="Experiment progress" />
          <p className="muted" data-testid="experiment-progress">
            {live ? progress || experiment.progress_message || 'Starting…' : `${experiment.cells_done} of ${experiment.cells_total} cells`}
            {experiment.cells_failed ? ` · ${experiment.cells_failed} failed` : ''}
          </p>
        </div>
        <div className="prompts-actions">
          {editable && live && (
            <button type="button" onClick={() => step('pause')}>
              Pause
            </button>
          )}
          {editable && experiment.status === 'paused' && (
            <button type="button" onClick={() => step('resume')}>
              Resume
            </button>
          )}
          {editable && (live || experiment.status === 'paused') && (
            <button type="button" onClick={() => step('cancel')}>
              Cancel
            </button>
          )}
          <a className="button" href={exportExperimentUrl(workspaceId, experiment.id, 'csv')}>
            Export CSV
          </a>
          <a className="button" href={exportExperimentUrl(workspaceId, experiment.id, 'json')}>
            Export JSON
          </a>
        </div>
      </header>
      {error !== null && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
      {promoted && (
        <p className="notice" role="status">
          <PromotedNotice workspaceId={workspaceId} promotion={promoted} />
        </p>
      )}
      {promoting && (
        <PromoteDialog workspaceId={workspaceId} experimentId={experimentId} variant={promoting} summary={summary} onClose={() => setPromoting(null)} onPromoted={onPromoted} />
      )}
      {editable && !live && experiment.cells_done > 0 && <AddToQueue experimentId={experiment.id} />}
      {summary && (
        <section className="panel" aria-labelledby="summary-title">
          <h2 id="summary-title">Good results per variant</h2>
          <table className="prompt-table summary-table" aria-label="Variants">
            <thead>
              <tr>
                <th>Variant</th>
                <th>Good</th>
                <th>95 % interval</th>
                <th>n</th>
                <th>Judged by</th>
                <th>Cost / cell</th>
                <th>p50 latency</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {summary.variants.map((v) => {
                const variant = experiment.variants.find((x) => x.id === v.id);
                return (
                  <tr key={v.id} className={v.id === best ? 'best' : ''} data-testid="variant-summary">
                    <td>
                      {v.name} {v.id === best && <span className="chip chip-best">best</span>}
                    </td>
                    <td>
                      <strong>{percent(v.ratio)}</strong> <span className="muted">({v.good}/{v.n})</span>
                    </td>
                    <td>
                      {percent(v.ci_low)} – {percent(v.ci_high)}
                    </td>
                    <td>{v.n}{v.disputed ? <span className="muted"> · {v.disputed} disputed</span> : null}</td>
                    <td className="muted">
                      {v.judged_by_humans} {v.judged_by_humans === 1 ? 'person' : 'people'} · {v.judged_by_evaluator} evaluator
                    </td>
                    <td>{v.cost_per_cell === null ? '–' : v.cost_per_cell === 0 ? '$0' : `$${v.cost_per_cell.toFixed(6)}`}</td>
                    <td>{v.latency_p50_ms !== null ? `${Math.round(v.latency_p50_ms)} ms` : '–'}</td>
                    <td>
                      {editable && variant && (variant.prompt_version_id || variant.app_version_id) && (
                        <button type="button" className="button-small" onClick={() => setPromoting(variant)}>
                          Promote v{variant.prompt_version_number ?? variant.app_version_number}…
                        </button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <h3>Per task</h3>
          <table className="prompt-table matrix-table" aria-label="Variant by task">
            <thead>
              <tr>
                <th>Task</th>
                {summary.variants.map((v) => (
                  <th key={v.id}>{v.name}</th>
                ))}
                <th>Winner</th>
              </tr>
            </thead>
            <tbody>
              {summary.tasks.map((t) => {
                const against = t.comparisons;
                return (
                  <tr key={t.task} data-testid="matrix-row">
                    <th scope="row">
                      {t.task} <span className="muted">({t.rows})</span>
                    </th>
                    {summary.variants.map((v) => {
                      const tally = t.variants[String(v.id)];
                      return (
                        <td key={v.id} className={v.id === t.best_variant_id && !t.tied ? 'best' : ''}>
                          {percent(tally?.ratio)} <span className="muted">[{percent(tally?.ci_low)}–{percent(tally?.ci_high)}] n={tally?.n ?? 0}</span>
                        </td>
                      );
                    })}
                    <td>
                      {t.tied ? 'tie' : t.best_variant_id ? names[t.best_variant_id] : '–'}
                      {against.map((c) => (
                        <div key={c.other_id} className="muted">
                          vs {names[c.other_id]}: {c.difference >= 0 ? '+' : ''}
                          {Math.round(c.difference * 100)} pts, p={c.p_value.toFixed(3)} {c.significant ? '(significant)' : '(not significant)'}
                        </div>
                      ))}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <div className="eval-charts">
            <RatioChart summary={summary} names={names} />
            <CostQualityChart summary={summary} names={names} />
          </div>
        </section>
      )}
      <section aria-labelledby="results-title">
        <div className="results-toolbar">
          <h2 id="results-title">Results</h2>
          <select aria-label="Filter rows" value={filter} onChange={(e) => setFilter(e.target.value)}>
            {FILTERS.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
          {tags.length > 0 && (
            <select aria-label="Task" value={tag} onChange={(e) => setTag(e.target.value)}>
              <option value="">every task</option>
              {tags.map((t) => (
                <option key={t}>{t}</option>
              ))}
            </select>
          )}
          <label className="inline">
            <input type="checkbox" checked={blind} onChange={(e) => setBlind(e.target.checked)} /> Blind (hide and shuffle variants)
          </label>
          {experiment.variants.length >= 2 && (
            <label className="inline">
              <input
                type="checkbox"
                checked={diff !== null}
                onChange={(e) => setDiff(e.target.checked ? [experiment.variants[0]!.id, experiment.variants[1]!.id] : null)}
              />{' '}
              Word diff of {experiment.variants[0]!.name.split(' ')[0]} → {experiment.variants[1]!.name.split(' ')[0]}
            </label>
          )}
          <span className="muted">Keys: j/k rows, h/l variants, g good, b bad, 1–5 score, u undo, ? help</span>
        </div>
        {rows === null ? <p className="muted">Loading…</p> : rows.length === 0 ? <p className="muted">No rows match.</p> : (
          <ResultsGrid rows={rows} variants={experiment.variants} blind={blind} diffPair={diff} onLabel={onLabel} onUndo={onUndo} />
        )}
      </section>
    </section>
  );
}
