/** Shapes of the run list and run detail API (builder/runs/apis.py). */
import type { GraphSpec, RunStatus, Trace } from '../apps/types';

export interface RunAppRef {
  id: number;
  name: string;
  slug: string;
}

/** Which API key made a call: never its secret. */
export interface ApiKeyRef {
  id: number;
  name: string;
  prefix: string;
}

export interface RunError {
  code: string;
  message: string;
  node_id: string | null;
}

/** The library prompt version a playground run ran (null for app runs and drafts). */
export interface RunPromptRef {
  id: number;
  prompt_id: number;
  name: string;
  number: number;
}

export interface RunRow {
  id: string;
  /** Null for a prompt run in the playground. */
  app: RunAppRef | null;
  prompt: RunPromptRef | null;
  version: number | null;
  /** debug, node, api, chat — or a source this page does not know yet. */
  source: string;
  status: RunStatus;
  error: RunError | null;
  tokens_in: number;
  tokens_out: number;
  cost: number;
  latency_ms: number | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  /** Calls through the public endpoint only. */
  label: string | null;
  key: ApiKeyRef | null;
  end_user: string | null;
}

export interface RunDetail extends RunRow {
  app_id: number | null;
  group_id: string | null;
  group_index: number | null;
  target_node_id: string;
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown> | null;
  graph: GraphSpec;
  traces: Trace[];
}
