/** Typed calls of the alerts API: rules on published traffic, testing one now, fired alerts. */
import { apiFetch } from '../api/client';
import type { Paginated } from '../api/types';

export type Metric = 'error_rate' | 'p95_latency_ms' | 'daily_cost' | 'negative_feedback_share' | 'evaluator_pass_rate';
export type Comparison = 'above' | 'below';

export interface AlertRule {
  id: number;
  name: string;
  metric: Metric;
  metric_label: string;
  app_id: number | null;
  app_name: string | null;
  comparison: Comparison;
  threshold: number;
  window_minutes: number;
  min_runs: number;
  evaluator: Record<string, unknown> | null;
  /** Shown to owners and builders only (it may hold a token); null for others. */
  webhook_url: string | null;
  has_webhook: boolean;
  emails: string[];
  send_email: boolean;
  enabled: boolean;
  firing: boolean;
  last_evaluated_at: string | null;
  last_value: number | null;
  last_error: string;
  monitoring_url: string;
}

export interface AlertRuleInput {
  name: string;
  metric: Metric;
  app_id: number | null;
  comparison: Comparison | null;
  threshold: number;
  window_minutes: number;
  min_runs: number;
  evaluator: Record<string, unknown> | null;
  webhook_url: string;
  emails: string[];
  send_email: boolean;
  enabled: boolean;
}

export interface Delivery {
  status: string;
  channel: string;
  ok: boolean;
  error: string;
  at: string;
  note?: string;
}

export interface FiredAlert {
  id: number;
  rule_id: number;
  rule_name: string;
  metric: Metric;
  app_name: string | null;
  comparison: Comparison;
  threshold: number;
  status: 'firing' | 'resolved';
  window: { start: string; end: string };
  value: number;
  latest_value: number | null;
  latest_at: string;
  fired_at: string;
  resolved_at: string | null;
  resolved_value: number | null;
  deliveries: Delivery[];
  monitoring_url: string;
}

export interface RuleTestResult {
  value: number | null;
  would_fire: boolean;
  sample: number;
  enough_data: boolean;
  min_runs: number;
  window: { start: string; end: string };
  firing: boolean;
  deliveries: Delivery[];
}

const base = (workspaceId: string) => `/api/workspaces/${encodeURIComponent(workspaceId)}`;

export function listRules(workspaceId: string, signal?: AbortSignal): Promise<Paginated<AlertRule>> {
  return apiFetch(`${base(workspaceId)}/alert-rules/?limit=500`, { signal });
}

export function createRule(workspaceId: string, input: AlertRuleInput): Promise<AlertRule> {
  return apiFetch(`${base(workspaceId)}/alert-rules/`, { method: 'POST', body: input });
}

export function updateRule(workspaceId: string, id: number, input: Partial<AlertRuleInput>): Promise<AlertRule> {
  return apiFetch(`${base(workspaceId)}/alert-rules/${id}/`, { method: 'PATCH', body: input });
}

export function deleteRule(workspaceId: string, id: number): Promise<void> {
  return apiFetch(`${base(workspaceId)}/alert-rules/${id}/`, { method: 'DELETE' });
}

export function testRule(workspaceId: string, id: number, notify = false): Promise<RuleTestResult> {
  return apiFetch(`${base(workspaceId)}/alert-rules/${id}/test/`, { method: 'POST', body: { notify } });
}

export function listAlerts(workspaceId: string, status: '' | 'firing' | 'resolved', signal?: AbortSignal): Promise<Paginated<FiredAlert>> {
  const q = new URLSearchParams({ limit: '100' });
  if (status) q.set('status', status);
  return apiFetch(`${base(workspaceId)}/alerts/?${q}`, { signal });
}
