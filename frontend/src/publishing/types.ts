/** Shapes of the publishing API (builder/publishing/apis.py). */
import type { MoveEvidence } from '../components/EvidenceLink';

/** One arm of a label's A/B traffic split: `weight` percent of its calls run `version`. */
export interface LabelArm {
  version: number;
  weight: number;
}

export interface LabelInfo {
  name: string;
  /** The version the label serves (while split: the one it shows). */
  version: number;
  /** The A/B traffic split by version number; empty (or absent) when the label serves one version. */
  split?: LabelArm[];
  updated_at: string;
  updated_by: string | null;
}

export interface PublishingState {
  published: boolean;
  enabled: boolean;
  production_version: number | null;
  latest_version: number | null;
  first_published_at: string | null;
  labels: LabelInfo[];
  /** The library prompts inside the production version: the version it pinned, and the one its
   * reference names now. */
  prompts?: PromptPin[];
}

export interface PromptPin {
  node_id: string;
  ref: string;
  version: number | null;
  prompt_id: number | null;
  prompt_name: string;
  current: number | null;
  outdated: boolean;
}

export type LabelMoveKind = 'publish' | 'move' | 'rollback' | 'delete' | 'split' | 'split_end' | 'promote';

export interface LabelMove {
  label: string;
  kind: LabelMoveKind | string;
  from_version: number | null;
  to_version: number | null;
  /** The split this move set (split) or ended (other kinds). */
  arms?: LabelArm[];
  moved_by: string | null;
  moved_at: string;
  /** The experiment a promotion came from; {} for moves made by hand. */
  evidence?: MoveEvidence;
}

export interface EndpointSnippets {
  curl: string;
  curl_stream: string;
  python_openai: string;
  javascript_sse: string;
}

export interface EndpointInfo {
  base_url: string;
  run_url: string;
  chat_completions_url: string;
  model: string;
  example_inputs: Record<string, unknown>;
  snippets: EndpointSnippets;
  state: Omit<PublishingState, 'labels'>;
}

export interface ApiKey {
  id: number;
  name: string;
  prefix: string;
  scope: 'workspace' | 'app' | string;
  app_id: number | null;
  app_slug: string | null;
  rate_limit_per_minute: number | null;
  created_at: string;
  created_by: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface ApiKeyCreated extends ApiKey {
  /** Shown once: the server keeps only a hash. */
  secret: string;
}

export interface ApiRun {
  id: string;
  source: 'api' | 'chat' | 'web' | string;
  status: string;
  version: number | null;
  label: string;
  api_key: string | null;
  end_user: string;
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown> | null;
  error_code: string;
  tokens_in: number;
  tokens_out: number;
  cost: number;
  latency_ms: number | null;
  created_at: string;
}

/** The app's public web chat (Share tab). `url` and `snippets` exist once it was first turned on. */
export interface WebChat {
  /** The app is published: the chat can be turned on. */
  available: boolean;
  endpoint_enabled: boolean;
  enabled: boolean;
  rate_limit_per_minute: number | null;
  url: string | null;
  embed_url: string | null;
  snippets: { script: string; iframe: string } | null;
}
