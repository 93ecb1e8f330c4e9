/** /apps/:appId/versions/:number/lineage — where a version came from, in the order the loop made
 * it: the production runs and reviews behind its data, the adapter trained on that data, its
 * library prompt, the experiments that compared it, the label moves that put it in front of users
 * (each with the experiment it was promoted from) and what it serves now. Every step links to its
 * evidence. */
import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { isAbortError } from '../api/client';
import { ErrorNotice } from '../components/ErrorNotice';
import { EvidenceLink } from '../components/EvidenceLink';
import { describeMove, relativeTime } from '../publishing/model';
import { qualityLink } from '../publishing/split';
import { useSession } from '../session';
import { getLineage } from './api';
import './lineage.css';
import type { Lineage, LineageDataset, LineageModel } from './types';

const RUNS_SHOWN = 5;

function Step({ title, empty, children }: { title: string; empty: string | null; children?: React.ReactNode }) {
  const id = `lineage-${title.toLowerCase().replace(/[^a-z]+/g, '-')}`;
  return (
    <section className={`panel lineage-step ${empty ? 'lineage-empty' : ''}`} aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {empty ? <p className="muted small">{empty}</p> : children}
    </section>
  );
}

function DatasetItem({ d }: { d: LineageDataset }) {
  return (
    <li data-testid="lineage-dataset">
      <Link to={`/evaluations/datasets/${d.id}`}>
        {d.name} v{d.version}
      </Link>{' '}
      · {d.rows} rows{d.tags.length > 0 ? ` · tasks ${d.tags.join(', ')}` : ''}
      {d.note && <span className="muted small"> — {d.note}</span>}
      <ul className="lineage-sources">
        {d.queues.map((q) => (
          <li key={q.id}>
            reviewed in <Link to={`/annotation/queues/${q.id}`}>{q.name}</Link>: {q.items} item(s), {d.reviews} review(s)
            {d.reviewers.length > 0 ? ` by ${d.reviewers.join(', ')}` : ''}
          </li>
        ))}
        {d.source_runs > 0 && (
          <li>
            taken from {d.source_runs} run(s):{' '}
            {d.runs_sample.slice(0, RUNS_SHOWN).map((id, i) => (
              <span key={id}>
                {i > 0 && ', '}
                <Link to={`/runs/${id}`}>{id.slice(0, 8)}</Link>
              </span>
            ))}
            {d.source_runs > RUNS_SHOWN ? ' …' : ''}
          </li>
        )}
      </ul>
    </li>
  );
}

function ModelItem({ m }: { m: LineageModel }) {
  const job = m.job;
  return (
    <li data-testid="lineage-model">
      <code>{m.model}</code> <span className="muted small">(node {m.node_ids.join(', ')})</span>
      {job === null ? (
        <p className="muted small">No fine-tune job of this workspace trained it (deleted, or uploaded elsewhere).</p>
      ) : (
        <ul className="lineage-sources">
          <li>
            <Link to={`/finetune/${job.id}`}>fine-tune {job.name}</Link>: {job.method}, {job.status}
            {job.source === 'trained' ? `, ${job.epochs} epoch(s) on ${job.train_rows} rows (${job.validation_rows} held out)` : ', uploaded'}
            {job.validation_loss && ` · validation loss ${job.validation_loss[0].toFixed(2)} → ${job.validation_loss[1].toFixed(2)}`}
          </li>
          {m.dataset && (
            <li>
              trained on{' '}
              <Link to={`/evaluations/datasets/${m.dataset.id}`}>
                {m.dataset.name} v{m.dataset.version}
              </Link>
            </li>
          )}
          {job.evaluation_id !== null && (
            <li>
              <Link to={`/evaluations/experiments/${job.evaluation_id}`}>base vs tuned on the held-out rows</Link>
            </li>
          )}
        </ul>
      )}
    </li>
  );
}

export function LineageView({ lineage, workspaceId }: { lineage: Lineage; workspaceId: string }) {
  const { app, version } = lineage;
  return (
    <>
      <Step title="Data" empty={lineage.datasets.length ? null : 'No dataset is behind this version: no experiment compared it and no adapter it uses was trained here.'}>
        <ul className="lineage-list">
          {lineage.datasets.map((d) => (
            <DatasetItem key={d.version_id} d={d} />
          ))}
        </ul>
      </Step>
      <Step title="Tuned models" empty={lineage.models.length ? null : 'No fine-tuned model: its nodes call base models.'}>
        <ul className="lineage-list">
          {lineage.models.map((m) => (
            <ModelItem key={m.model} m={m} />
          ))}
        </ul>
      </Step>
      <Step title="Prompts" empty={lineage.prompts.length ? null : 'No library prompt: its nodes carry their own messages.'}>
        <ul className="lineage-list">
          {lineage.prompts.map((p) => (
            <li key={p.node_id} data-testid="lineage-prompt">
              {p.prompt_id !== null && p.version !== null ? (
                <Link to={`/prompts/${p.prompt_id}?v=${p.version}`}>
                  {p.prompt_name} v{p.version}
                </Link>
              ) : (
                <span>{p.ref}</span>
              )}{' '}
              <span className="muted small">(node {p.node_id})</span>
              {p.commit_message && <> — {p.commit_message}</>}
              {p.current !== null && p.current !== p.version && (
                <span className="badge badge-warn" title={`${p.ref} now names v${p.current}`}>
                  {p.ref} is now v{p.current}
                </span>
              )}
              <ul className="lineage-sources">
                {p.label_moves.map((m, i) => (
                  <li key={i}>
                    {m.label} → v{p.version} · {m.moved_by ?? 'someone'} · {relativeTime(m.moved_at)}
                    <EvidenceLink evidence={m.evidence} />
                  </li>
                ))}
              </ul>
            </li>
          ))}
        </ul>
      </Step>
      <Step title="Experiments" empty={lineage.experiments.length ? null : 'No experiment compared this version or its prompt versions yet.'}>
        <ul className="lineage-list">
          {lineage.experiments.map((x) => (
            <li key={x.id} data-testid="lineage-experiment">
              <Link to={`/evaluations/experiments/${x.id}`}>{x.name}</Link> · {x.status} · on{' '}
              <Link to={`/evaluations/datasets/${x.dataset.id}`}>
                {x.dataset.name} v{x.dataset.version}
              </Link>
              <span className="muted small">
                {' '}
                — as {x.variants.map((v) => `${v.name}${v.runs === 'prompt_version' ? ' (its prompt)' : ''}`).join(', ')}
              </span>
            </li>
          ))}
        </ul>
      </Step>
      <Step title="Label moves" empty={lineage.moves.length ? null : 'No label has pointed at this version yet: it is not published.'}>
        <ol className="lineage-list" data-testid="lineage-moves">
          {lineage.moves.map((m, i) => (
            <li key={i}>
              <span className={`audit-kind kind-${m.kind}`}>{m.kind}</span> {describeMove(m)}
              <span className="muted small">
                {' '}
                · {m.moved_by ?? 'someone'} · {relativeTime(m.moved_at)}
              </span>
              <EvidenceLink evidence={m.evidence} />
            </li>
          ))}
        </ol>
      </Step>
      <Step title="Serving now" empty={lineage.serving.length ? null : `No label serves v${version.number} now.`}>
        <ul className="lineage-serving" data-testid="lineage-serving">
          {lineage.serving.map((s) => (
            <li key={s.label}>
              <strong>{s.label}</strong> {s.split ? `${s.weight} % of its calls (A/B split)` : 'all of its calls'} ·{' '}
              <a href={qualityLink(workspaceId, app.id, s.label)}>quality, cost and latency</a>
            </li>
          ))}
        </ul>
      </Step>
    </>
  );
}

export function LineagePage() {
  const { appId = '', number = '' } = useParams();
  const { workspaceId } = useSession();
  const [lineage, setLineage] = useState<Lineage | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    const controller = new AbortController();
    setLineage(null);
    setError(null);
    getLineage(workspaceId, appId, number, controller.signal)
      .then(setLineage)
      .catch((e: unknown) => {
        if (!isAbortError(e)) setError(e);
      });
    return () => controller.abort();
  }, [workspaceId, appId, number]);

  if (lineage === null) {
    return <section className="page">{error !== null ? <ErrorNotice error={error} /> : <p className="muted">Loading…</p>}</section>;
  }
  const { app, version } = lineage;
  return (
    <section className="page lineage-page" aria-labelledby="page-title">
      <p className="breadcrumbs">
        <Link to="/">Apps</Link> / <Link to={`/apps/${app.id}`}>{app.name}</Link> / v{version.number}
      </p>
      <header>
        <h1 id="page-title">
          {app.name} v{version.number}: lineage
        </h1>
        <p className="muted">
          {version.message || 'No message'} · saved {relativeTime(version.created_at)}
          {version.created_by ? ` by ${version.created_by}` : ''}. Where its data, model and prompt came from, and how it reached its
          users.
        </p>
      </header>
      <LineageView lineage={lineage} workspaceId={workspaceId} />
    </section>
  );
}
