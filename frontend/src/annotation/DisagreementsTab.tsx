/** Items whose reviewers gave different values: every reviewer's scores and corrected output side
 * by side; the owner sets the final score per config and the final output. */
import { useCallback, useEffect, useState } from 'react';
import { isAbortError } from '../api/client';
import { ErrorNotice } from '../components/ErrorNotice';
import { useSession } from '../session';
import { adjudicateItem, getItem, listItems } from './api';
import { InputView } from './ItemView';
import { checkScores, scoreText, type DraftValue } from './keys';
import { ReviewsTable } from './OtherReviews';
import { canAdjudicate } from './parts';
import type { Item, ItemSummary, Queue, ReviewRecord, ScoreConfig } from './types';

function FinalField({ config, value, onChange }: { config: ScoreConfig; value: DraftValue; onChange: (v: DraftValue) => void }) {
  const label = `Final ${config.name}`;
  if (config.kind === 'categorical' || config.kind === 'boolean') {
    const choices = config.kind === 'boolean' ? ['yes', 'no'] : config.options;
    const current = value === undefined ? '' : scoreText(value);
    return (
      <select
        aria-label={label}
        value={current}
        onChange={(e) => onChange(e.target.value === '' ? undefined : config.kind === 'boolean' ? e.target.value === 'yes' : e.target.value)}
      >
        <option value="">—</option>
        {choices.map((c) => (
          <option key={c} value={c}>
            {c}
          </option>
        ))}
      </select>
    );
  }
  if (config.kind === 'numeric') {
    return <input aria-label={label} inputMode="decimal" value={value === undefined ? '' : String(value)} onChange={(e) => onChange(e.target.value)} />;
  }
  return <textarea aria-label={label} rows={2} value={typeof value === 'string' ? value : ''} onChange={(e) => onChange(e.target.value)} />;
}

function Adjudication({ queue, item, onSaved }: { queue: Queue; item: Item; onSaved: (item: Item) => void }) {
  const { workspaceId } = useSession();
  const configs = queue.score_configs.filter((c) => !c.archived);
  const [scores, setScores] = useState<Record<string, DraftValue>>(() => ({ ...(item.final?.scores ?? {}) }));
  const [output, setOutput] = useState(item.final?.corrected_output ?? item.output);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);

  const save = (e: React.FormEvent) => {
    e.preventDefault();
    // Only the values given are final; a config left empty keeps the reviewers' majority.
    const given = configs.filter((c) => scores[String(c.id)] !== undefined && scores[String(c.id)] !== '');
    const checked = checkScores(given, scores);
    setErrors(checked.errors);
    if (Object.keys(checked.errors).length) return;
    const corrected = output.trim() && output.trim() !== item.output.trim() ? output : null;
    adjudicateItem(workspaceId, queue.id, item.id, { scores: checked.scores, corrected_output: corrected })
      .then(onSaved)
      .catch(setError);
  };

  return (
    <form className="ann-adjudicate" onSubmit={save} aria-label="Final result">
      <h3>Final result</h3>
      <div className="ann-final-fields">
        {configs.map((c) => (
          <label key={c.id}>
            {c.name}
            <FinalField config={c} value={scores[String(c.id)]} onChange={(v) => setScores((s) => ({ ...s, [String(c.id)]: v }))} />
            {errors[String(c.id)] && <span className="ann-widget-error">{errors[String(c.id)]}</span>}
          </label>
        ))}
      </div>
      <label className="ann-field">
        Final corrected output
        <textarea rows={4} value={output} onChange={(e) => setOutput(e.target.value)} />
      </label>
      {error !== null && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
      <button type="submit" className="button-primary">
        Save final result
      </button>
    </form>
  );
}

function DisagreementDetail({ queue, id, onChanged }: { queue: Queue; id: number; onChanged: () => void }) {
  const { workspaceId, role, user } = useSession();
  const [item, setItem] = useState<Item | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    const controller = new AbortController();
    setItem(null);
    getItem(workspaceId, queue.id, id, controller.signal)
      .then(setItem)
      .catch((e: unknown) => {
        if (!isAbortError(e)) setError(e);
      });
    return () => controller.abort();
  }, [workspaceId, queue.id, id]);

  if (error !== null) return <ErrorNotice error={error} />;
  if (!item) return <p className="muted">Loading…</p>;
  const configs = queue.score_configs.filter((c) => !c.archived);
  // `reviews` holds the others' reviews: the caller's own (an owner may review too) is `my_review`.
  const mine = item.my_review;
  const reviews: ReviewRecord[] =
    mine?.status === 'submitted'
      ? [...item.reviews, { ...mine, reviewer: mine.reviewer ?? user, submitted_at: mine.submitted_at ?? null }]
      : item.reviews;
  return (
    <div className="ann-disagreement" data-testid="disagreement-detail">
      <h3>Item #{item.id}</h3>
      <InputView input={item.input} />
      <div className="ann-output">{item.output}</div>
      <ReviewsTable reviews={reviews} configs={configs} final={item.final} label="Reviews side by side" />
      {item.final?.adjudicated_by && (
        <p className="muted small" role="status">
          Adjudicated by {item.final.adjudicated_by}
          {item.final.adjudicated_at && ` on ${new Date(item.final.adjudicated_at).toLocaleString()}`}.
        </p>
      )}
      {canAdjudicate(role) ? (
        <Adjudication key={item.final?.adjudicated_at ?? 'new'} queue={queue} item={item} onSaved={(saved) => {
            setItem(saved);
            onChanged();
          }}
        />
      ) : (
        <p className="muted small">The workspace owner sets the final result.</p>
      )}
    </div>
  );
}

export function DisagreementsTab({ queue }: { queue: Queue }) {
  const { workspaceId } = useSession();
  const [items, setItems] = useState<ItemSummary[] | null>(null);
  const [selected, setSelected] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);

  const load = useCallback(
    (signal?: AbortSignal) =>
      listItems(workspaceId, queue.id, { disagreements: true }, signal)
        .then((p) => {
          setItems(p.results);
          setSelected((s) => s ?? p.results[0]?.id ?? null);
        })
        .catch((e: unknown) => {
          if (!isAbortError(e)) setError(e);
        }),
    [workspaceId, queue.id],
  );
  useEffect(() => {
    const controller = new AbortController();
    void load(controller.signal);
    return () => controller.abort();
  }, [load]);

  if (error !== null) return <ErrorNotice error={error} />;
  if (items === null) return <p className="muted">Loading…</p>;
  if (items.length === 0) return <p className="muted">No disagreements: every item's reviewers gave the same values.</p>;
  return (
    <div className="ann-split">
      <ul className="ann-list" aria-label="Items with disagreements">
        {items.map((item) => (
          <li key={item.id}>
            <button type="button" aria-current={item.id === selected} onClick={() => setSelected(item.id)}>
              <strong>#{item.id}</strong> {item.adjudicated && <span className="ann-chip">adjudicated</span>}
              <span className="muted small ann-clip">{item.input_preview}</span>
            </button>
          </li>
        ))}
      </ul>
      {selected !== null && <DisagreementDetail key={selected} queue={queue} id={selected} onChanged={() => void load()} />}
    </div>
  );
}
