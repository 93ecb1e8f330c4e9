/** Shapes of the datasets and experiments API. */

export interface DatasetVersion {
  id: number;
  number: number;
  note: string;
  row_count: number;
  columns: string[];
  tags: string[];
  created_by: { id: number; username: string } | null;
  created_at: string;
}

export interface DatasetRow {
  id: number;
  name: string;
  description: string;
  latest_version: number | null;
  version_count: number;
  created_at: string;
  updated_at: string;
}

export interface DatasetDetail extends DatasetRow {
  versions: DatasetVersion[];
}

export interface Row {
  position?: number;
  inputs: Record<string, unknown>;
  expected: string | null;
  tags: string[];
  metadata?: Record<string, unknown>;
  source_run_id?: string | null;
}

export interface ColumnMapping {
  inputs: string[];
  expected: string | null;
  tags: string[] | string | null;
}

export interface FilePreview {
  columns: string[];
  mapping: { inputs: string[]; expected: string | null; tags: string | null };
  row_count: number;
  rows: Row[];
}

export interface GridSpec {
  variables: { name: string; values: unknown[] }[];
  mode: 'product' | 'sample';
  sample_size?: number | null;
  seed?: number;
  derived?: Record<string, string>;
  task_variable?: string | null;
}

export interface Variant {
  id: number;
  position: number;
  name: string;
  prompt_version_id: number | null;
  prompt_id: number | null;
  prompt_version_number: number | null;
  app_version_id: number | null;
  app_id: number | null;
  app_version_number: number | null;
  model: Record<string, unknown> | null;
}

export type ExperimentStatus = 'queued' | 'running' | 'paused' | 'cancelled' | 'completed';

export interface Experiment {
  id: number;
  name: string;
  description: string;
  status: ExperimentStatus;
  dataset_id: number;
  dataset_name: string;
  dataset_version: number;
  evaluators: ({ name: string; type: string } & Record<string, unknown>)[];
  primary_evaluator: string;
  concurrency: number;
  cells_total: number;
  cells_done: number;
  cells_failed: number;
  job_id: number | null;
  progress_message: string;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

export interface ExperimentDetail extends Experiment {
  variants: Variant[];
}

export interface VerdictOut {
  evaluator: string;
  type: string;
  score: number;
  passed: boolean;
  reason: string;
}

export interface CellLabel {
  good: boolean;
  score: number | null;
  comment: string;
}

export interface ResultCell {
  id: number;
  variant_id: number;
  status: 'pending' | 'running' | 'done' | 'failed' | 'skipped';
  output: string | null;
  error_code: string;
  verdicts: VerdictOut[];
  passed: boolean | null;
  tokens_in: number;
  tokens_out: number;
  cost: number;
  latency_ms: number | null;
  run_id: string | null;
  labels: (CellLabel & { user: string })[];
  my_label: CellLabel | null;
  judgement: { good: boolean | null; disputed: boolean; by: 'human' | 'evaluator' | 'failure' | 'none' };
}

export interface ResultRow {
  row: { id: number; position: number; inputs: Record<string, unknown>; expected: string | null; tags: string[] };
  cells: ResultCell[];
}

export interface Tally {
  n: number;
  good: number;
  ratio: number | null;
  ci_low: number;
  ci_high: number;
  disputed: number;
}

export interface VariantSummary extends Tally {
  id: number;
  name: string;
  judged_by_humans: number;
  judged_by_evaluator: number;
  cells_done: number;
  cells_failed: number;
  cost: number;
  cost_per_cell: number | null;
  tokens_in: number;
  tokens_out: number;
  latency_p50_ms: number | null;
  /** Where the variant stands, in a sentence; `warn` when the results do not back promoting it. */
  standing: { warn: boolean; text: string };
}

export interface Comparison {
  better_id: number;
  other_id: number;
  pairs: number;
  difference: number;
  p_value: number;
  significant: boolean;
}

export interface TaskResult {
  task: string;
  rows: number;
  variants: Record<string, Tally>;
  best_variant_id: number | null;
  tied: boolean;
  comparisons: Comparison[];
}

export interface ExperimentSummary {
  experiment_id: number;
  variants: VariantSummary[];
  tasks: TaskResult[];
  best_variant_id: number | null;
  tied: boolean;
  comparisons: Comparison[];
}

export interface EvaluatorType {
  type: string;
  description: string;
}
