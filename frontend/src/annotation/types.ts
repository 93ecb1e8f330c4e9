/** Shapes of the annotation API (docs/annotation-api.md, builder/annotation/). */

export type ScoreKind = 'categorical' | 'numeric' | 'boolean' | 'text';
/** What a reviewer gives for one config: an option name, a number, yes/no, or text. */
export type ScoreValue = string | number | boolean;
/** Scores keyed by the config's id (as a string, as on the wire). */
export type Scores = Record<string, ScoreValue>;

export interface ScoreConfig {
  id: number;
  name: string;
  kind: ScoreKind;
  description: string;
  options: string[];
  min: number | null;
  max: number | null;
  step: number | null;
  archived: boolean;
  in_use: boolean;
  created_at: string;
}

export interface ScoreConfigInput {
  name: string;
  kind: ScoreKind;
  description: string;
  options: string[];
  min: number | null;
  max: number | null;
  step: number | null;
}

export interface UserRef {
  id: number;
  username: string;
}

export interface QueueCounts {
  total: number;
  pending: number;
  in_review: number;
  completed: number;
  skipped: number;
}

export interface Queue {
  id: number;
  name: string;
  instructions: string;
  score_configs: ScoreConfig[];
  reviewers: UserRef[];
  required_reviews: number;
  blind: boolean;
  due_at: string | null;
  lock_timeout_s: number;
  created_at: string;
  counts: QueueCounts;
  my_remaining: number;
}

export interface QueueInput {
  name: string;
  instructions: string;
  score_config_ids: number[];
  reviewer_ids: number[];
  required_reviews: number;
  blind: boolean;
  due_at: string | null;
  lock_timeout_s: number;
}

/** A rule's filters and sampling: every filter optional (null / "" / false = any). */
export interface RuleInput {
  app_id: number | null;
  version_number: number | null;
  label: string;
  status: string;
  min_latency_ms: number | null;
  negative_feedback: boolean;
  evaluator: Record<string, unknown> | null;
  sample_percent: number;
  daily_cap: number;
  enabled: boolean;
}

export interface Rule extends RuleInput {
  id: number;
  added_today: number;
  added_total: number;
  last_scanned_at: string | null;
}

export type ItemStatus = 'pending' | 'in_review' | 'completed' | 'skipped';

export interface ItemSubject {
  run_id: string;
  node_id: string;
  cell_id: number | null;
  app_id: number | null;
  app_name: string;
  version_number: number | null;
}

export interface ItemSummary {
  id: number;
  kind: 'run' | 'node' | 'cell';
  status: ItemStatus;
  source: 'manual' | 'rule' | 'experiment';
  created_at: string;
  subject: ItemSubject;
  input_preview: string;
  output_preview: string;
  /** Null for a reviewer of a blind queue who has not submitted yet. */
  reviews_submitted: number | null;
  disagreement: boolean | null;
  adjudicated: boolean;
}

export interface TraceNode {
  node_id: string;
  node_type: string;
  status: string;
  latency_ms: number | null;
  inputs: unknown;
  outputs: unknown;
  error_message: string;
}

export interface MyReview {
  /** The caller's username (the API sends it with every review). */
  reviewer?: string;
  submitted_at?: string | null;
  status: 'claimed' | 'submitted' | 'skipped';
  scores: Scores;
  corrected_output: string | null;
  comment: string;
}

export interface ReviewRecord {
  reviewer: string;
  status: string;
  scores: Scores;
  corrected_output: string | null;
  comment: string;
  submitted_at: string | null;
}

export interface FinalResult {
  scores: Scores;
  corrected_output: string | null;
  adjudicated_by: string | null;
  adjudicated_at: string | null;
}

export interface Item extends ItemSummary {
  queue: number;
  input: Record<string, unknown>;
  output: string;
  expected: string | null;
  trace: TraceNode[];
  claim: { expires_at: string; mine: boolean } | null;
  my_review: MyReview | null;
  reviews: ReviewRecord[];
  final: FinalResult | null;
  position: { done: number; total: number };
}

/** The answer of review/skip with ?next=1: the item, and the next one claimed in the same call. */
export interface StepResult {
  item: Item;
  next: Item | null;
}

export interface ReviewInput {
  scores: Scores;
  corrected_output: string | null;
  comment: string;
}

export type AgreementLevel = 'nominal' | 'ordinal' | 'interval';

export interface AgreementRow {
  config: ScoreConfig;
  level: AgreementLevel | null;
  items: number;
  ratings: number;
  percent_agreement: number | null;
  cohen_kappa: number | null;
  krippendorff_alpha: number | null;
}

export type AddItemsInput =
  | { run_ids: string[] }
  | { runs: { run_id: string; node_id: string }[] }
  | { experiment_id: number; mode: 'all' | 'disagreements' };

export interface Member {
  id: number;
  user_id: number;
  username: string;
  email: string | null;
  role: string;
}
