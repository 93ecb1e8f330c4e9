/** Shapes of the lineage API (builder/lineage/selectors.py). */
import type { MoveEvidence } from '../components/EvidenceLink';

export interface DatasetRef {
  id: number;
  name: string;
  version: number;
  version_id: number;
}

export interface LineageMove {
  label: string;
  kind: string;
  from_version: number | null;
  to_version: number | null;
  arms: { version: number; weight: number }[];
  evidence: MoveEvidence;
  moved_by: string | null;
  moved_at: string;
}

export interface LineagePrompt {
  node_id: string;
  ref: string;
  prompt_id: number | null;
  prompt_name: string;
  version: number | null;
  prompt_version_id: number | null;
  commit_message: string;
  created_by: string | null;
  current: number | null;
  label_moves: { label: string; from_version: number | null; evidence: MoveEvidence; moved_by: string | null; moved_at: string }[];
}

export interface LineageModel {
  model: string;
  node_ids: string[];
  job: {
    id: number;
    name: string;
    method: string;
    status: string;
    source: string;
    epochs: number;
    learning_rate: number;
    train_rows: number;
    validation_rows: number;
    validation_loss: [number, number] | null;
    evaluation_id: number | null;
  } | null;
  dataset: DatasetRef | null;
}

export interface LineageExperiment {
  id: number;
  name: string;
  status: string;
  created_at: string;
  dataset: DatasetRef;
  variants: { id: number; name: string; runs: 'app_version' | 'prompt_version' }[];
}

export interface LineageDataset extends DatasetRef {
  rows: number;
  note: string;
  tags: string[];
  created_by: string | null;
  created_at: string;
  queues: { id: number; name: string; items: number }[];
  reviews: number;
  reviewers: string[];
  source_runs: number;
  runs_sample: string[];
}

export interface Lineage {
  app: { id: number; name: string };
  version: { number: number; kind: string; message: string; created_by: string | null; created_at: string };
  serving: { label: string; weight: number; split: boolean }[];
  moves: LineageMove[];
  prompts: LineagePrompt[];
  models: LineageModel[];
  experiments: LineageExperiment[];
  datasets: LineageDataset[];
}
