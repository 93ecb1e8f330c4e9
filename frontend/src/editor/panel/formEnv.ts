import { createContext, useContext } from 'react';
import type { Issue, ModelOption, ToolOption } from '../../apps/types';
import type { VariableOption } from '../model/upstream';

/** What every field of a node form may need, without threading props through the tree. */
export interface FormEnv {
  nodeId: string;
  /** The node's whole config (a field that acts on its siblings reads them here). */
  nodeConfig: Record<string, unknown>;
  readOnly: boolean;
  models: ModelOption[] | null;
  tools: ToolOption[] | null;
  getVariables: () => VariableOption[];
  /** Issues whose field is this path or inside it. */
  issuesAt: (path: string) => Issue[];
}

export const FormEnvContext = createContext<FormEnv | null>(null);

export function useFormEnv(): FormEnv {
  const env = useContext(FormEnvContext);
  if (!env) throw new Error('useFormEnv() outside <FormEnvContext.Provider>');
  return env;
}

/** Issue field paths may come as "config.messages.0.template" or "messages.0.template". */
export function issueMatches(issueField: string | null, path: string): boolean {
  if (!issueField) return false;
  const f = issueField.replace(/^config\./, '').replace(/\[(\d+)\]/g, '.$1');
  return f === path || f.startsWith(`${path}.`);
}
