/** Shapes of the prompt library API (builder/prompts/apis.py). */
import type { MoveEvidence } from '../components/EvidenceLink';

export type MessageRole = 'system' | 'user' | 'assistant';
export type VariableType = 'text' | 'number' | 'boolean' | 'choice' | 'json';

export interface PromptMessage {
  role: MessageRole;
  template: string;
}

export interface PromptVariable {
  name: string;
  type: VariableType;
  description?: string;
  default?: unknown;
  choices?: string[];
}

export interface ModelConfig {
  provider: string;
  model: string;
  temperature?: number | null;
  top_p?: number | null;
  max_tokens?: number | null;
  stop?: string[] | null;
  seed?: number | null;
  json_mode?: boolean;
  response_schema?: Record<string, unknown> | null;
}

export interface Author {
  id: number;
  username: string;
}

export interface PromptRow {
  id: number;
  name: string;
  description: string;
  tags: string[];
  labels: Record<string, number>;
  latest_version: number | null;
  version_count: number;
  created_at: string;
  updated_at: string;
}

export interface VersionRow {
  id: number;
  number: number;
  commit_message: string;
  model: ModelConfig;
  created_by: Author | null;
  created_at: string;
  labels: string[];
}

export interface PromptDetail extends PromptRow {
  versions: VersionRow[];
}

export interface PromptVersion extends VersionRow {
  messages: PromptMessage[];
  variables: PromptVariable[];
}

export interface PushWarning {
  code: string;
  field: string;
  message: string;
}

export interface VersionContent {
  messages: PromptMessage[];
  variables: PromptVariable[];
  model: ModelConfig;
  commit_message: string;
}

export interface LabelMove {
  label: string;
  from_version: number | null;
  to_version: number | null;
  moved_by: Author | null;
  moved_at: string;
  /** The experiment a promotion came from; {} for moves made by hand. */
  evidence?: MoveEvidence;
}

export interface VersionDiff {
  from: PromptVersion;
  to: PromptVersion;
  messages: { index: number; from: PromptMessage | null; to: PromptMessage | null; changed: boolean }[];
  parameters: { field: string; from: unknown; to: unknown }[];
  variables: { name: string; from: PromptVariable | null; to: PromptVariable | null }[];
}
