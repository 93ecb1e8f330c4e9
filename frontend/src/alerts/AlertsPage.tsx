/** Alerts: rules on published traffic (error rate, p95 latency, cost today, negative feedback,
 * an evaluator's pass rate), checked every minute; each fires once, tells its webhook and e-mail,
 * and tells again only when it recovers. Fired alerts first (those still firing on top), then the
 * rules. Owners and builders change rules; everyone else reads. */
import { useCallback, useEffect, useState } from 'react';
import { isAbortError } from '../api/client';
import { listApps } from '../apps/api';
import type { AppSummary } from '../apps/types';
import { ErrorNotice } from '../components/ErrorNotice';
import { useSession } from '../session';
import { type AlertRule, type AlertRuleInput, type FiredAlert, type RuleTestResult, createRule, deleteRule, listAlerts, listRules, testRule, updateRule } from './api';
import { conditionText, formatValue } from './metrics';
import { BLANK, RuleForm, draftOf } from './RuleForm';
import './alerts.css';

type StatusFilter = '' | 'firing' | 'resolved';

function when(at: string | null): string {
  return at ? new Date(at).toLocaleString() : '—';
}

function windowText(window: { start: string; end: string }): string {
  const start = new Date(window.start);
  const end = new Date(window.end);
  const minutes = Math.round((end.getTime() - start.getTime()) / 60000);
  return `${start.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}–${end.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })} (${minutes} min)`;
}

function deliveryProblems(alert: FiredAlert): string[] {
  return alert.deliveries.filter((d) => !d.ok).map((d) => `${d.channel} (${d.status}): ${d.error}`);
}

function FiredAlerts({ alerts, filter, onFilter }: { alerts: FiredAlert[] | null; filter: StatusFilter; onFilter: (f: StatusFilter) => void }) {
  return (
    <section className="panel alert-section" aria-label="Fired alerts">
      <div className="panel-header">
        <h2>Fired alerts</h2>
        <div className="alert-filter" role="group" aria-label="Show">
          {(['', 'firing', 'resolved'] as const).map((f) => (
            <button key={f || 'all'} type="button" className={filter === f ? 'button-small active' : 'button-small button-quiet'} aria-pressed={filter === f} onClick={() => onFilter(f)}>
              {f === '' ? 'All' : f === 'firing' ? 'Firing' : 'Resolved'}
            </button>
          ))}
        </div>
      </div>
      {alerts === null && <p className="muted">Loading…</p>}
      {alerts?.length === 0 && <p className="muted">{filter === 'firing' ? 'Nothing is firing.' : 'No alert has fired yet.'}</p>}
      {alerts && alerts.length > 0 && (
        <table className="alert-table" aria-label="Alerts">
          <thead>
            <tr>
              <th>Status</th>
              <th>Rule</th>
              <th>Value</th>
              <th>Window</th>
              <th>Since</th>
              <th>Resolved</th>
            </tr>
          </thead>
          <tbody>
            {alerts.map((alert) => {
              const problems = deliveryProblems(alert);
              return (
                <tr key={alert.id} data-testid={`alert-${alert.id}`}>
                  <td>
                    <span className={`badge alert-${alert.status}`}>{alert.status}</span>
                  </td>
                  <td>
                    <a href={alert.monitoring_url}>{alert.rule_name}</a>
                    <span className="muted small block">{alert.app_name ?? 'every app'}</span>
                  </td>
                  <td>
                    {formatValue(alert.metric, alert.value)} {conditionText(alert.metric, alert.comparison, alert.threshold)}
                    {alert.status === 'firing' && alert.latest_value !== null && alert.latest_value !== alert.value && (
                      <span className="muted small block">now {formatValue(alert.metric, alert.latest_value)}</span>
                    )}
                    {problems.length > 0 && (
                      <span className="error-text small block" title={problems.join('\n')}>
                        {problems.length} notification{problems.length === 1 ? '' : 's'} failed: {problems[0]}
                      </span>
                    )}
                  </td>
                  <td className="small">{windowText(alert.window)}</td>
                  <td className="small">{when(alert.fired_at)}</td>
                  <td className="small">
                    {alert.resolved_at ? (
                      <>
                        {when(alert.resolved_at)}
                        {alert.resolved_value !== null && <span className="muted block">at {formatValue(alert.metric, alert.resolved_value)}</span>}
                      </>
                    ) : (
                      'still firing'
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}

function testText(rule: AlertRule, result: RuleTestResult): string {
  const value = formatValue(rule.metric, result.value);
  const sample = rule.metric === 'daily_cost' ? '' : ` over ${result.sample} run${result.sample === 1 ? '' : 's'}`;
  if (!result.enough_data) return `Now: ${value}${sample} — fewer than ${result.min_runs}, so it would not fire.`;
  const sent = result.deliveries.length ? ` Test notification: ${result.deliveries.map((d) => `${d.channel} ${d.ok ? 'sent' : `failed (${d.error})`}`).join(', ')}.` : '';
  return `Now: ${value}${sample} — ${result.would_fire ? 'would fire' : 'within the threshold'}.${sent}`;
}

function RuleRow({ rule, manage, onEdit, onChanged, onError }: { rule: AlertRule; manage: boolean; onEdit: () => void; onChanged: () => void; onError: (e: unknown) => void }) {
  const { workspaceId } = useSession();
  const [result, setResult] = useState('');
  const test = (notify: boolean) =>
    testRule(workspaceId, rule.id, notify)
      .then((r) => setResult(testText(rule, r)))
      .catch(onError);
  const state = !rule.enabled ? 'disabled' : rule.firing ? 'firing' : 'ok';
  return (
    <tr data-testid={`rule-${rule.id}`} className={rule.enabled ? '' : 'muted'}>
      <td>
        <span className={`badge alert-${state}`}>{state}</span>
      </td>
      <td>
        <strong>{rule.name}</strong>
        <span className="muted small block">
          {rule.metric_label} {conditionText(rule.metric, rule.comparison, rule.threshold)}
          {rule.metric === 'daily_cost' ? ' today (UTC)' : ` over ${rule.window_minutes} min, ≥ ${rule.min_runs} runs`} · {rule.app_name ?? 'every app'}
        </span>
        <span className="muted small block">
          {[rule.has_webhook ? 'webhook' : '', rule.send_email ? (rule.emails.length ? rule.emails.join(', ') : 'e-mail to owners') : ''].filter(Boolean).join(' · ') || 'no channel'}
        </span>
        {result && (
          <span className="small block" role="status">
            {result}
          </span>
        )}
        {rule.last_error && <span className="error-text small block">Last check failed: {rule.last_error}</span>}
      </td>
      <td className="small">
        {formatValue(rule.metric, rule.last_value)}
        <span className="muted block">{when(rule.last_evaluated_at)}</span>
      </td>
      <td className="alert-actions">
        {manage && (
          <>
            <button type="button" className="button-small" onClick={() => void test(false)} title="Read the metric now; nothing is sent or changed">
              Test
            </button>
            <button type="button" className="button-small button-quiet" onClick={() => void test(true)} title="Send a test notification on the rule's channels">
              Send test
            </button>
            <button type="button" className="button-small button-quiet" onClick={onEdit}>
              Edit
            </button>
            <button
              type="button"
              className="button-small danger"
              onClick={() => {
                if (window.confirm(`Delete the rule “${rule.name}” and its alerts?`)) deleteRule(workspaceId, rule.id).then(onChanged, onError);
              }}
            >
              Delete
            </button>
          </>
        )}
      </td>
    </tr>
  );
}

export function AlertsPage() {
  const { workspaceId, role } = useSession();
  const manage = role === 'owner' || role === 'builder';
  const [rules, setRules] = useState<AlertRule[] | null>(null);
  const [alerts, setAlerts] = useState<FiredAlert[] | null>(null);
  const [filter, setFilter] = useState<StatusFilter>('');
  const [apps, setApps] = useState<AppSummary[]>([]);
  const [editing, setEditing] = useState<AlertRule | null>(null);
  const [error, setError] = useState<unknown>(null);

  const load = useCallback(
    (signal?: AbortSignal) =>
      Promise.all([listRules(workspaceId, signal), listAlerts(workspaceId, filter, signal)])
        .then(([r, a]) => {
          setRules(r.results);
          setAlerts(a.results);
        })
        .catch((e: unknown) => {
          if (!isAbortError(e)) setError(e);
        }),
    [workspaceId, filter],
  );
  useEffect(() => {
    const controller = new AbortController();
    void load(controller.signal);
    const timer = window.setInterval(() => void load(controller.signal), 30_000);
    return () => {
      controller.abort();
      window.clearInterval(timer);
    };
  }, [load]);
  useEffect(() => {
    if (!manage) return;
    const controller = new AbortController();
    listApps(workspaceId, '', controller.signal)
      .then((p) => setApps(p.results))
      .catch(() => setApps([]));
    return () => controller.abort();
  }, [workspaceId, manage]);

  const save = (input: AlertRuleInput) =>
    (editing ? updateRule(workspaceId, editing.id, input) : createRule(workspaceId, input)).then(
      () => {
        setError(null);
        setEditing(null);
        void load();
        return true;
      },
      (e: unknown) => {
        setError(e);
        return false;
      },
    );

  const firing = alerts?.filter((a) => a.status === 'firing').length ?? 0;
  return (
    <div className="page alerts-page">
      <div className="settings-header">
        <h1>
          Alerts {firing > 0 && <span className="badge alert-firing">{firing} firing</span>}
        </h1>
        <a href={`/monitoring/w/${encodeURIComponent(workspaceId)}/performance`}>Monitoring pages →</a>
      </div>
      <p className="muted">
        Rules on published traffic (the API, chat completions and web chat), checked every minute. A rule tells its webhook and e-mail once when it
        fires and once when it recovers — never again in between.
      </p>
      {error !== null && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
      <FiredAlerts alerts={alerts} filter={filter} onFilter={setFilter} />
      <section className="panel alert-section" aria-label="Alert rules">
        <h2>Rules</h2>
        {rules?.length === 0 && <p className="muted">No rules yet{manage ? ': add one below.' : '.'}</p>}
        {rules && rules.length > 0 && (
          <table className="alert-table" aria-label="Rules">
            <thead>
              <tr>
                <th>State</th>
                <th>Rule</th>
                <th>Last value</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {rules.map((rule) => (
                <RuleRow key={rule.id} rule={rule} manage={manage} onEdit={() => setEditing(rule)} onChanged={() => void load()} onError={setError} />
              ))}
            </tbody>
          </table>
        )}
      </section>
      {manage && (
        <RuleForm
          key={editing ? `edit-${editing.id}` : 'new'}
          apps={apps}
          initial={editing ? draftOf(editing) : BLANK}
          editing={editing !== null}
          onSave={save}
          onCancel={editing ? () => setEditing(null) : undefined}
        />
      )}
    </div>
  );
}
