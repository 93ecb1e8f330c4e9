/** What each metric means, how its threshold is entered and how its values read. Rates are
 * shares (0–1) in the API and percentages on screen. */
import type { Comparison, Metric } from './api';

export interface MetricInfo {
  value: Metric;
  label: string;
  comparison: Comparison;
  /** The threshold field's label. */
  unit: string;
  help: string;
  rate: boolean;
  windowed: boolean;
}

export const METRICS: readonly MetricInfo[] = [
  {
    value: 'error_rate',
    label: 'Error rate',
    comparison: 'above',
    unit: 'Threshold (%)',
    help: 'Share of published runs that failed in the window. Fires when it goes above the threshold, once at least "min runs" ran.',
    rate: true,
    windowed: true,
  },
  {
    value: 'p95_latency_ms',
    label: 'p95 latency',
    comparison: 'above',
    unit: 'Threshold (ms)',
    help: '95th percentile of whole-run latency in the window, in milliseconds (from the latency histograms, within ±5 %).',
    rate: false,
    windowed: true,
  },
  {
    value: 'daily_cost',
    label: 'Cost today',
    comparison: 'above',
    unit: 'Threshold ($)',
    help: 'Model cost of published runs since midnight UTC. Fires once a day at most; it recovers when the day turns.',
    rate: false,
    windowed: false,
  },
  {
    value: 'negative_feedback_share',
    label: 'Negative feedback',
    comparison: 'above',
    unit: 'Threshold (%)',
    help: 'Share of thumbs-down among the ratings end users gave runs of the window.',
    rate: true,
    windowed: true,
  },
  {
    value: 'evaluator_pass_rate',
    label: 'Evaluator pass rate',
    comparison: 'below',
    unit: 'Threshold (%)',
    help: 'An answer-only evaluator (contains, not_contains, regex, json_valid, json_schema, numeric, length) judges the window\'s latest 50 answers. Fires when the share that passes goes below the threshold.',
    rate: true,
    windowed: true,
  },
];

export function metricInfo(metric: Metric): MetricInfo {
  return METRICS.find((m) => m.value === metric) ?? METRICS[0]!;
}

export function formatValue(metric: Metric, value: number | null | undefined): string {
  if (value === null || value === undefined) return 'no data';
  if (metric === 'p95_latency_ms') return `${Math.round(value).toLocaleString()} ms`;
  if (metric === 'daily_cost') return `$${value.toFixed(value < 1 ? 4 : 2)}`;
  return `${(value * 100).toFixed(1)} %`;
}

export function conditionText(metric: Metric, comparison: Comparison, threshold: number): string {
  return `${comparison === 'above' ? '>' : '<'} ${formatValue(metric, threshold)}`;
}
