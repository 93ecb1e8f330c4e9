/** Sampling rules: which new runs flow into the queue by themselves (filters on app, version,
 * label, status, latency, negative feedback, a failed evaluator), how many of them (a share, a
 * daily cap); "Scan now" runs them at once. */
import { useCallback, useEffect, useState } from 'react';
import { isAbortError } from '../api/client';
import { ErrorNotice } from '../components/ErrorNotice';
import { listApps } from '../apps/api';
import type { AppSummary } from '../apps/types';
import { useSession } from '../session';
import { createRule, deleteRule, listRules, scanRules, updateRule } from './api';
import type { Queue, Rule, RuleInput } from './types';

interface RuleDraft {
  app_id: string;
  version_number: string;
  label: string;
  status: string;
  min_latency_ms: string;
  negative_feedback: boolean;
  evaluator: string;
  sample_percent: string;
  daily_cap: string;
}
const BLANK: RuleDraft = {
  app_id: '',
  version_number: '',
  label: '',
  status: '',
  min_latency_ms: '',
  negative_feedback: false,
  evaluator: '',
  sample_percent: '10',
  daily_cap: '100',
};

const optionalNumber = (text: string) => (text.trim() === '' ? null : Number(text));

/** The form as the API's input, or the reason it is not one (the evaluator must be a JSON object). */
export function ruleInput(d: RuleDraft): RuleInput | string {
  let evaluator: Record<string, unknown> | null = null;
  if (d.evaluator.trim()) {
    try {
      const parsed: unknown = JSON.parse(d.evaluator);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return 'The evaluator is a JSON object, e.g. {"type": "json_valid"}.';
      evaluator = parsed as Record<string, unknown>;
    } catch {
      return 'The evaluator is not valid JSON.';
    }
  }
  return {
    app_id: optionalNumber(d.app_id),
    version_number: optionalNumber(d.version_number),
    label: d.label.trim(),
    status: d.status,
    min_latency_ms: optionalNumber(d.min_latency_ms),
    negative_feedback: d.negative_feedback,
    evaluator,
    sample_percent: Number(d.sample_percent || 0),
    daily_cap: Number(d.daily_cap || 1),
    enabled: true,
  };
}

/** A rule's filters in words. */
export function ruleText(rule: Rule, apps: AppSummary[]): string {
  const parts = [
    rule.app_id !== null ? apps.find((a) => Number(a.id) === rule.app_id)?.name ?? `app ${rule.app_id}` : 'every app',
    rule.version_number !== null ? `v${rule.version_number}` : '',
    rule.label ? `label ${rule.label}` : '',
    rule.status ? `${rule.status} runs` : '',
    rule.min_latency_ms !== null ? `≥ ${rule.min_latency_ms} ms` : '',
    rule.negative_feedback ? 'negative feedback' : '',
    rule.evaluator ? `failing ${String(rule.evaluator.type ?? 'an evaluator')}` : '',
  ];
  return parts.filter(Boolean).join(' · ');
}

function RuleForm({ apps, onSave }: { apps: AppSummary[]; onSave: (input: RuleInput) => Promise<boolean> }) {
  const [draft, setDraft] = useState<RuleDraft>(BLANK);
  const [problem, setProblem] = useState('');
  const set = (patch: Partial<RuleDraft>) => setDraft((d) => ({ ...d, ...patch }));
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    const input = ruleInput(draft);
    if (typeof input === 'string') return setProblem(input);
    setProblem('');
    void onSave(input).then((ok) => ok && setDraft(BLANK));
  };
  return (
    <form className="ann-rule-form" onSubmit={submit} aria-label="New sampling rule">
      <label>
        App
        <select value={draft.app_id} onChange={(e) => set({ app_id: e.target.value })}>
          <option value="">any</option>
          {apps.map((a) => (
            <option key={a.id} value={a.id}>
              {a.name}
            </option>
          ))}
        </select>
      </label>
      <label className="narrow">
        Version
        <input inputMode="numeric" placeholder="any" value={draft.version_number} onChange={(e) => set({ version_number: e.target.value })} />
      </label>
      <label className="narrow">
        Label
        <input placeholder="any" value={draft.label} onChange={(e) => set({ label: e.target.value })} />
      </label>
      <label>
        Status
        <select value={draft.status} onChange={(e) => set({ status: e.target.value })}>
          <option value="">any</option>
          <option value="succeeded">succeeded</option>
          <option value="failed">failed</option>
        </select>
      </label>
      <label className="narrow">
        Min latency (ms)
        <input inputMode="numeric" placeholder="any" value={draft.min_latency_ms} onChange={(e) => set({ min_latency_ms: e.target.value })} />
      </label>
      <label className="inline">
        <input type="checkbox" checked={draft.negative_feedback} onChange={(e) => set({ negative_feedback: e.target.checked })} /> negative
        feedback
      </label>
      <label className="grow">
        Fails evaluator (JSON, optional)
        <input className="mono" placeholder='{"type": "json_valid"}' value={draft.evaluator} onChange={(e) => set({ evaluator: e.target.value })} />
      </label>
      <label className="narrow">
        Sample %
        <input inputMode="decimal" value={draft.sample_percent} onChange={(e) => set({ sample_percent: e.target.value })} />
      </label>
      <label className="narrow">
        Daily cap
        <input inputMode="numeric" value={draft.daily_cap} onChange={(e) => set({ daily_cap: e.target.value })} />
      </label>
      <button type="submit">Add rule</button>
      {problem && <p className="ann-widget-error">{problem}</p>}
    </form>
  );
}

export function RulesTab({ queue }: { queue: Queue }) {
  const { workspaceId } = useSession();
  const [rules, setRules] = useState<Rule[] | null>(null);
  const [apps, setApps] = useState<AppSummary[]>([]);
  const [notice, setNotice] = useState('');
  const [error, setError] = useState<unknown>(null);

  const load = useCallback(
    (signal?: AbortSignal) =>
      listRules(workspaceId, queue.id, signal)
        .then((p) => setRules(p.results))
        .catch((e: unknown) => {
          if (!isAbortError(e)) setError(e);
        }),
    [workspaceId, queue.id],
  );
  useEffect(() => {
    const controller = new AbortController();
    void load(controller.signal);
    listApps(workspaceId, '', controller.signal)
      .then((p) => setApps(p.results))
      .catch(() => setApps([]));
    return () => controller.abort();
  }, [load, workspaceId]);

  const act = (call: Promise<unknown>) =>
    call.then(
      () => {
        setError(null);
        void load();
        return true;
      },
      (e: unknown) => {
        setError(e);
        return false;
      },
    );
  const scan = () =>
    scanRules(workspaceId, queue.id)
      .then((r) => {
        setNotice(`Scanned: ${r.added} run${r.added === 1 ? '' : 's'} added.`);
        void load();
      })
      .catch(setError);

  return (
    <section aria-label="Sampling rules">
      <div className="ann-toolbar">
        <span className="muted small">Rules also run every minute by themselves.</span>
        <button type="button" onClick={() => void scan()} disabled={!rules?.length}>
          Scan now
        </button>
      </div>
      {error !== null && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
      {notice && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
      {rules && rules.length > 0 && (
        <table className="ann-table" aria-label="Rules">
          <thead>
            <tr>
              <th>Takes</th>
              <th className="num">Share</th>
              <th className="num">Today / cap</th>
              <th className="num">Added</th>
              <th>Last scan</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {rules.map((rule) => (
              <tr key={rule.id} className={rule.enabled ? '' : 'muted'} data-testid="rule-row">
                <td>{ruleText(rule, apps)}</td>
                <td className="num">{rule.sample_percent} %</td>
                <td className="num">
                  {rule.added_today} / {rule.daily_cap}
                </td>
                <td className="num">{rule.added_total}</td>
                <td className="small">{rule.last_scanned_at ? new Date(rule.last_scanned_at).toLocaleString() : '—'}</td>
                <td className="ann-actions">
                  <label className="inline small">
                    <input type="checkbox" checked={rule.enabled} onChange={(e) => void act(updateRule(workspaceId, queue.id, rule.id, { enabled: e.target.checked }))} />{' '}
                    enabled
                  </label>
                  <button type="button" className="button-small danger" onClick={() => void act(deleteRule(workspaceId, queue.id, rule.id))}>
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {rules?.length === 0 && <p className="muted">No rules: items come only from what is added by hand or from experiments.</p>}
      <RuleForm apps={apps} onSave={(input) => act(createRule(workspaceId, queue.id, input))} />
    </section>
  );
}
