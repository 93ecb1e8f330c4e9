/** Which handles a node shows: one source handle per branch case / classifier class, else the registry's. */
import type { NodeSpec, NodeTypeDef } from '../../apps/types';

export interface HandleDef {
  id: string;
  label: string;
}

export const TARGET_HANDLE = 'in';
export const FAIL_HANDLE = 'fail';

function idsOf(list: unknown, labelKey?: string): HandleDef[] {
  if (!Array.isArray(list)) return [];
  const out: HandleDef[] = [];
  for (const item of list) {
    if (item && typeof item === 'object' && typeof (item as { id?: unknown }).id === 'string') {
      const id = (item as { id: string }).id;
      if (!id) continue;
      const label = labelKey ? (item as Record<string, unknown>)[labelKey] : undefined;
      out.push({ id, label: typeof label === 'string' && label ? label : id });
    }
  }
  return out;
}

/** The node's output handles, in the order they are drawn top to bottom. */
export function sourceHandles(
  spec: Pick<NodeSpec, 'type' | 'config' | 'settings'>,
  def: NodeTypeDef | undefined,
): HandleDef[] {
  let handles: HandleDef[];
  if (spec.type === 'branch') {
    handles = [...idsOf(spec.config.cases), { id: 'else', label: 'else' }];
  } else if (spec.type === 'classifier') {
    handles = idsOf(spec.config.classes, 'name');
  } else {
    handles = (def?.handles ?? ['out']).map((h) => ({ id: h, label: h }));
  }
  if (spec.settings?.error_strategy === 'fail_branch' && !handles.some((h) => h.id === FAIL_HANDLE)) {
    handles.push({ id: FAIL_HANDLE, label: 'fail' });
  }
  return handles;
}

export function hasTargetHandle(def: NodeTypeDef | undefined): boolean {
  return !def?.is_start;
}
