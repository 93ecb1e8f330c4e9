/** Wire types of the flows API (see the lead's contract for issue 4). */

/** published: a production version exists (even with the endpoint off); draft: never published. */
export type AppStatus = 'draft' | 'published';

/** A label of a published app and the version it serves. */
export interface LiveLabel {
  name: string;
  version: number;
}

/** What of an app is live; null while it was never published. */
export interface LiveState {
  /** By name; `production` among them. */
  labels: LiveLabel[];
  endpoint_enabled: boolean;
  /** The draft's graph differs from the production version's. */
  draft_changed: boolean;
}

export interface AppSummary {
  id: number | string;
  name: string;
  slug: string;
  description: string;
  status: AppStatus;
  live: LiveState | null;
  created_at: string;
  updated_at: string;
  updated_by: string | null;
  latest_version: number | null;
  node_count: number;
}

export interface Position {
  x: number;
  y: number;
}

export type ErrorStrategy = 'abort' | 'retry' | 'fail_branch' | 'default_value';

export interface NodeSettings {
  timeout_s?: number | null;
  max_retries?: number;
  retry_backoff_s?: number;
  retry_max_backoff_s?: number;
  error_strategy?: ErrorStrategy;
  default_outputs?: Record<string, unknown>;
}

export interface NodeSpec {
  id: string;
  type: string;
  version: number;
  title: string;
  config: Record<string, unknown>;
  position: Position;
  settings?: NodeSettings;
}

export interface EdgeSpec {
  id: string;
  source: string;
  source_handle: string;
  target: string;
  target_handle: string;
}

export interface NoteSpec {
  id: string;
  text: string;
  position: Position;
  width: number;
  height: number;
  color: string;
}

export type VariableType = 'string' | 'number' | 'boolean' | 'object' | 'array';

export interface AppInput {
  name: string;
  type: VariableType;
  default: unknown;
  description: string;
  required: boolean;
}

export interface AppOutput {
  name: string;
  type: string;
  description: string;
}

export interface GraphSpec {
  format_version: number;
  name: string;
  description: string;
  inputs: AppInput[];
  outputs: AppOutput[];
  nodes: NodeSpec[];
  edges: EdgeSpec[];
  notes: NoteSpec[];
}

export interface Issue {
  code: string;
  message: string;
  node_id: string | null;
  edge_id: string | null;
  field: string | null;
  /** error: the app cannot run or go live; warning: shown, allowed. Absent means error. */
  severity?: 'error' | 'warning';
}

export interface Draft {
  graph: GraphSpec;
  revision: number;
  updated_at: string;
  updated_by: string | null;
  issues: Issue[];
}

export interface NodeOutputDef {
  name: string;
  type: string;
  description: string;
}

/** JSON Schema, loosely typed: the editor reads only what it needs. */
export interface JsonSchema {
  type?: string | string[];
  title?: string;
  description?: string;
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  additionalProperties?: boolean | JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  minItems?: number;
  pattern?: string;
  /** Marks of model nodes that can use a library prompt (see `linkRole` in schemaForm). */
  'x-replaced-by-library-prompt'?: boolean;
  'x-set-by-platform'?: boolean;
}

export interface NodeTypeDef {
  type: string;
  version: number;
  title: string;
  description: string;
  category: string;
  icon: string;
  config_schema: JsonSchema;
  outputs: NodeOutputDef[];
  handles: string[];
  dynamic_handles: string | null;
  streams: boolean;
  is_start: boolean;
  is_terminal: boolean;
}

export interface ModelOption {
  provider: string;
  model: string;
  label: string;
  kind: string;
}

export interface ToolOption {
  name: string;
  description: string;
  parameters: unknown;
}

export interface VersionSummary {
  number: number;
  message: string;
  kind: 'saved' | 'backup';
  created_at: string;
  created_by: string | null;
}

export interface VersionDetail extends VersionSummary {
  graph: GraphSpec;
}

export interface FieldChange {
  path: string;
  before: unknown;
  after: unknown;
}

export interface GraphDiff {
  from: number | 'draft' | string;
  to: number | 'draft' | string;
  nodes: {
    added: NodeSpec[];
    removed: NodeSpec[];
    changed: { id: string; title: string; type?: string; changes: FieldChange[] }[];
  };
  edges: { added: EdgeSpec[]; removed: EdgeSpec[] };
  inputs: { added: AppInput[]; removed: AppInput[]; changed: { name: string; changes: FieldChange[] }[] };
  summary: { added: number; removed: number; changed: number };
}

export type RunStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
export type NodeRunStatus = 'running' | 'succeeded' | 'failed' | 'skipped' | 'cancelled';

export interface Trace {
  node_id: string;
  node_type: string;
  title: string;
  status: NodeRunStatus;
  inputs: unknown;
  outputs: unknown;
  error: { code?: string; message?: string } | string | null;
  latency_ms: number | null;
  tokens_in: number | null;
  tokens_out: number | null;
  cost: number | null;
  started_at: string | null;
  finished_at: string | null;
  attempt: number;
}

export interface Run {
  id: string;
  app_id: number | string;
  version: number | null;
  source: 'debug' | 'node' | 'api';
  status: RunStatus;
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown> | null;
  error: { code: string; message: string; node_id: string | null } | null;
  tokens_in: number;
  tokens_out: number;
  cost: number | null;
  latency_ms: number | null;
  created_at: string;
  finished_at: string | null;
  graph?: GraphSpec;
  traces?: Trace[];
}

export interface ImportReport {
  format: 'llmops' | 'dify' | string;
  name: string;
  graph: GraphSpec | null;
  issues: Issue[];
  unmapped: { id: string; title: string; type: string; reason: string }[];
  warnings: string[];
  /** Nodes whose model is not available here: the user chooses one after the import. */
  needs_model?: { node_id: string; title: string; field: string | null; provider: string | null; model: string | null }[];
  /** What the app is (or will be) called here: `name`, or "name (2)" when an app has that name. */
  app_name?: string;
}

/** One run event as it arrives over the workspace websocket. */
export interface RunEventMessage {
  type: 'run.event';
  run_id: string;
  event: RunEvent;
}

export type RunEvent =
  | { type: 'run.started'; inputs?: Record<string, unknown> }
  | { type: 'node.started'; node_id: string; node_type?: string; attempt?: number }
  | { type: 'node.delta'; node_id: string; text: string }
  | { type: 'node.inputs'; node_id: string; inputs: Record<string, unknown> }
  | {
      type: 'node.finished';
      node_id: string;
      outputs: Record<string, unknown>;
      handle: string | null;
      latency_ms: number;
      tokens_in?: number;
      tokens_out?: number;
      cost?: number | null;
    }
  | { type: 'node.failed'; node_id: string; code: string; message: string; attempt?: number; strategy?: string }
  | { type: 'node.skipped'; node_id: string }
  | { type: 'run.finished'; outputs: Record<string, unknown>; totals?: Record<string, number> }
  | { type: 'run.failed'; error?: unknown; code?: string; message?: string; node_id?: string | null };
