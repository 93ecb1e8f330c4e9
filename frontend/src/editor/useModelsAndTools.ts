/** The workspace's models and tools that node settings pick from (null while loading, empty when
 * they could not be listed). */
import { useEffect, useMemo, useState } from 'react';
import { listModels, listTools } from '../apps/api';
import type { ModelOption, ToolOption } from '../apps/types';

export interface NodeOptions {
  models: ModelOption[] | null;
  tools: ToolOption[] | null;
}

export function useModelsAndTools(workspaceId: string): NodeOptions {
  const [models, setModels] = useState<ModelOption[] | null>(null);
  const [tools, setTools] = useState<ToolOption[] | null>(null);
  useEffect(() => {
    listModels(workspaceId).then(setModels).catch(() => setModels([]));
    listTools(workspaceId).then(setTools).catch(() => setTools([]));
  }, [workspaceId]);
  return useMemo(() => ({ models, tools }), [models, tools]);
}
