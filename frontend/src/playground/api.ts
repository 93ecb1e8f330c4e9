/** Typed calls of the playground API. */
import { apiFetch } from '../api/client';
import type { ModelConfig, PromptMessage, PromptVariable } from '../prompts/types';

type Id = number | string;
const base = (ws: Id) => `/api/workspaces/${encodeURIComponent(String(ws))}/playground/runs/`;

export interface StartBody {
  prompt_version?: number;
  prompt?: { messages: PromptMessage[]; variables: PromptVariable[] };
  values: Record<string, unknown>;
  columns: ModelConfig[];
  group_id?: string;
  column_index?: number;
}

export interface Started {
  group_id: string;
  runs: { id: string; column: number; status: string }[];
}

export interface ColumnRun {
  id: string;
  column: number | null;
  status: string;
  model: ModelConfig;
  output_text: string | null;
  error: { code: string; message: string } | null;
  tokens_in: number;
  tokens_out: number;
  cost: number;
  latency_ms: number | null;
}

export interface PlaygroundGroup {
  group_id: string;
  created_at: string;
  prompt_version: { id: number; prompt_id: number; name: string; number: number } | null;
  values: Record<string, unknown>;
  messages: PromptMessage[];
  runs: ColumnRun[];
}

export const startColumns = (ws: Id, body: StartBody) => apiFetch<Started>(base(ws), { method: 'POST', body });

export const playgroundHistory = (ws: Id, promptId: Id | null, signal?: AbortSignal) =>
  apiFetch<{ results: PlaygroundGroup[] }>(`${base(ws)}${promptId ? `?prompt=${encodeURIComponent(String(promptId))}` : ''}`, { signal });

export interface RunOutcome {
  id: string;
  status: string;
  outputs: Record<string, unknown> | null;
  error: { code: string; message: string } | null;
  tokens_in: number;
  tokens_out: number;
  cost: number;
  latency_ms: number | null;
}

export const getRun = (ws: Id, runId: string) =>
  apiFetch<RunOutcome>(`/api/workspaces/${encodeURIComponent(String(ws))}/runs/${encodeURIComponent(runId)}/`);

export const cancelRun = (ws: Id, runId: string) =>
  apiFetch<unknown>(`/api/workspaces/${encodeURIComponent(String(ws))}/runs/${encodeURIComponent(runId)}/cancel/`, {
    method: 'POST',
  });
