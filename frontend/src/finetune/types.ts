/** Shapes of the fine-tuning API (/api/workspaces/<ws>/finetune/). */

export type TuneMethod = 'lora' | 'ia3' | 'prefix' | 'prompt' | 'p_tuning' | 'adapter';

export interface MethodInfo {
  method: TuneMethod;
  label: string;
  summary: string;
  /** The method's default learning rate. */
  learning_rate: number;
  /** Only when the catalog was asked for one base model (?base_model=). */
  trainable_params?: number;
}

/** Every method setting with its default; each method reads its own (see methods.ts). */
export interface SettingsDefaults {
  r: number;
  alpha: number;
  dropout: number;
  target_modules: string[];
  virtual_tokens: number;
  encoder_hidden_size: number;
  adapter_len: number;
  adapter_layers: number;
}

export type SettingName = keyof SettingsDefaults;
export type MethodSettings = Partial<Record<SettingName, number | string | string[]>>;

export interface MethodCatalog {
  methods: MethodInfo[];
  settings_defaults: SettingsDefaults;
  base_models: string[];
  /** Only with ?base_model=. */
  total_params?: number;
}

export type TuneStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
export type MergeStatus = '' | 'queued' | 'running' | 'done' | 'failed';

/** [step, loss] */
export type LossPoint = [number, number];

/** One side of the base-vs-tuned comparison on the held-out rows. */
export interface EvaluationSide {
  variant_id: number;
  name: string;
  model: string;
  n: number;
  good: number;
  ratio: number | null;
  ci_low: number | null;
  ci_high: number | null;
}

export interface TuneEvaluation {
  experiment_id: number;
  /** The experiment's status: queued, running, paused, cancelled, completed. */
  status: string;
  cells_done: number;
  cells_total: number;
  primary_evaluator: string;
  /** Null only while the experiment has no variants yet. */
  base: EvaluationSide | null;
  tuned: EvaluationSide | null;
  winner: 'tuned' | 'base' | 'tie' | null;
}

export interface FineTuneJob {
  id: number;
  name: string;
  /** How the model pickers name the tuned model: base+name. */
  model: string;
  base_model: string;
  method: TuneMethod;
  method_settings: MethodSettings;
  source: 'trained' | 'uploaded';
  dataset_id: number | null;
  dataset_name: string | null;
  dataset_version: number | null;
  validation_share: number;
  epochs: number;
  learning_rate: number;
  batch_size: number;
  max_length: number;
  seed: number;
  status: TuneStatus;
  cancel_requested: boolean;
  step: number;
  total_steps: number;
  losses: LossPoint[];
  val_losses: LossPoint[];
  tokens_per_s: number | null;
  eta_s: number | null;
  trainable_params: number | null;
  total_params: number | null;
  train_rows: number;
  validation_rows: number;
  error: { code: string; message: string } | null;
  merge_status: MergeStatus;
  merge_error: string;
  evaluation: TuneEvaluation | null;
  job_id: number | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

/** The training settings of a new job (what POST jobs/ takes). */
export interface TrainingSettings {
  epochs: number;
  learning_rate: number;
  batch_size: number;
  max_length: number;
  validation_share: number;
  seed: number;
}

export interface FineTuneInput extends TrainingSettings {
  name: string;
  base_model: string;
  method: TuneMethod;
  method_settings: MethodSettings;
  dataset_id: number;
  dataset_version?: number;
}

export interface EvaluatorChoice {
  type: string;
  name?: string;
}
