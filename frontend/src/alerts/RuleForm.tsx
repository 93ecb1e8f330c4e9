/** Creating or editing an alert rule: the metric picks the threshold's unit, the help text, the
 * default direction and whether a window or an evaluator is asked for. */
import { type FormEvent, useState } from 'react';
import type { AppSummary } from '../apps/types';
import type { AlertRule, AlertRuleInput, Comparison, Metric } from './api';
import { METRICS, metricInfo } from './metrics';

interface Draft {
  name: string;
  metric: Metric;
  app_id: string;
  comparison: Comparison;
  threshold: string;
  window_minutes: string;
  min_runs: string;
  evaluator: string;
  webhook_url: string;
  emails: string;
  send_email: boolean;
  enabled: boolean;
}

export const BLANK: Draft = {
  name: '',
  metric: 'error_rate',
  app_id: '',
  comparison: 'above',
  threshold: '5',
  window_minutes: '15',
  min_runs: '20',
  evaluator: '',
  webhook_url: '',
  emails: '',
  send_email: true,
  enabled: true,
};

export function draftOf(rule: AlertRule): Draft {
  const info = metricInfo(rule.metric);
  return {
    name: rule.name,
    metric: rule.metric,
    app_id: rule.app_id === null ? '' : String(rule.app_id),
    comparison: rule.comparison,
    threshold: String(info.rate ? Number((rule.threshold * 100).toFixed(6)) : rule.threshold),
    window_minutes: String(rule.window_minutes),
    min_runs: String(rule.min_runs),
    evaluator: rule.evaluator ? JSON.stringify(rule.evaluator) : '',
    webhook_url: rule.webhook_url ?? '',
    emails: rule.emails.join(', '),
    send_email: rule.send_email,
    enabled: rule.enabled,
  };
}

/** The form as the API's input, or why it is not one. */
export function ruleInput(d: Draft): AlertRuleInput | string {
  const info = metricInfo(d.metric);
  const threshold = Number(d.threshold);
  if (d.threshold.trim() === '' || Number.isNaN(threshold)) return 'The threshold is a number.';
  let evaluator: Record<string, unknown> | null = null;
  if (d.metric === 'evaluator_pass_rate') {
    try {
      const parsed: unknown = JSON.parse(d.evaluator || 'null');
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return 'The evaluator is a JSON object, e.g. {"type": "contains", "value": "Settings"}.';
      evaluator = parsed as Record<string, unknown>;
    } catch {
      return 'The evaluator is not valid JSON.';
    }
  }
  return {
    name: d.name.trim(),
    metric: d.metric,
    app_id: d.app_id ? Number(d.app_id) : null,
    comparison: d.comparison,
    threshold: info.rate ? threshold / 100 : threshold,
    window_minutes: Number(d.window_minutes || 15),
    min_runs: Number(d.min_runs || 0),
    evaluator,
    webhook_url: d.webhook_url.trim(),
    emails: d.emails
      .split(/[\s,;]+/)
      .map((e) => e.trim())
      .filter(Boolean),
    send_email: d.send_email,
    enabled: d.enabled,
  };
}

interface Props {
  apps: AppSummary[];
  initial: Draft;
  editing: boolean;
  onSave: (input: AlertRuleInput) => Promise<boolean>;
  onCancel?: () => void;
}

export function RuleForm({ apps, initial, editing, onSave, onCancel }: Props) {
  const [draft, setDraft] = useState<Draft>(initial);
  const [problem, setProblem] = useState('');
  const info = metricInfo(draft.metric);
  const set = (patch: Partial<Draft>) => setDraft((d) => ({ ...d, ...patch }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const input = ruleInput(draft);
    if (typeof input === 'string') return setProblem(input);
    setProblem('');
    void onSave(input).then((ok) => ok && !editing && setDraft(BLANK));
  };
  return (
    <form className="panel alert-rule-form" onSubmit={submit} aria-label={editing ? 'Edit alert rule' : 'New alert rule'}>
      <h2>{editing ? `Edit “${initial.name}”` : 'New rule'}</h2>
      <div className="alert-fields">
        <label className="grow">
          Name
          <input required value={draft.name} onChange={(e) => set({ name: e.target.value })} placeholder="Support bot errors" />
        </label>
        <label>
          Metric
          <select value={draft.metric} onChange={(e) => set({ metric: e.target.value as Metric, comparison: metricInfo(e.target.value as Metric).comparison })}>
            {METRICS.map((m) => (
              <option key={m.value} value={m.value}>
                {m.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          App
          <select value={draft.app_id} onChange={(e) => set({ app_id: e.target.value })}>
            <option value="">every published app</option>
            {apps.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </select>
        </label>
      </div>
      <p className="muted small" data-testid="metric-help">
        {info.help}
      </p>
      <div className="alert-fields">
        <label>
          Alert when
          <select value={draft.comparison} onChange={(e) => set({ comparison: e.target.value as Comparison })}>
            <option value="above">above</option>
            <option value="below">below</option>
          </select>
        </label>
        <label className="narrow">
          {info.unit}
          <input inputMode="decimal" value={draft.threshold} onChange={(e) => set({ threshold: e.target.value })} />
        </label>
        {info.windowed && (
          <label className="narrow">
            Window (minutes)
            <input inputMode="numeric" value={draft.window_minutes} onChange={(e) => set({ window_minutes: e.target.value })} />
          </label>
        )}
        {draft.metric !== 'daily_cost' && (
          <label className="narrow" title="Fewer runs than this in the window (runs judged, for an evaluator): no alert, no recovery.">
            Min runs
            <input inputMode="numeric" value={draft.min_runs} onChange={(e) => set({ min_runs: e.target.value })} />
          </label>
        )}
      </div>
      {draft.metric === 'evaluator_pass_rate' && (
        <label className="block">
          Evaluator (JSON)
          <input className="mono" placeholder='{"type": "contains", "value": "Settings"}' value={draft.evaluator} onChange={(e) => set({ evaluator: e.target.value })} />
        </label>
      )}
      <div className="alert-fields">
        <label className="grow">
          Webhook URL (optional)
          <input
            type="url"
            className="mono"
            placeholder="https://hooks.example.com/alerts?token=…"
            value={draft.webhook_url}
            onChange={(e) => set({ webhook_url: e.target.value })}
          />
        </label>
        <label className="grow">
          E-mail to (optional)
          <input placeholder="the workspace's owners" value={draft.emails} onChange={(e) => set({ emails: e.target.value })} />
        </label>
      </div>
      <p className="muted small">
        The webhook gets a JSON POST (rule, metric, value, threshold, window, status firing / resolved, app, url) once when the rule fires and once when it
        recovers. Private addresses are refused unless the operator allows them (LLMOPS_HTTP_ALLOWLIST).
      </p>
      <div className="alert-fields">
        <label className="inline">
          <input type="checkbox" checked={draft.send_email} onChange={(e) => set({ send_email: e.target.checked })} /> send e-mail
        </label>
        <label className="inline">
          <input type="checkbox" checked={draft.enabled} onChange={(e) => set({ enabled: e.target.checked })} /> enabled
        </label>
        <span className="alert-form-actions">
          {onCancel && (
            <button type="button" className="button-quiet" onClick={onCancel}>
              Cancel
            </button>
          )}
          <button type="submit">{editing ? 'Save rule' : 'Add rule'}</button>
        </span>
      </div>
      {problem && (
        <p className="error-text" role="alert">
          {problem}
        </p>
      )}
    </form>
  );
}
