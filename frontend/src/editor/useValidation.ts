/** Server validation on every change (debounced); issues go to the nodes' store and the checklist. */
import { useCallback, useEffect, useRef, useState } from 'react';
import { validateGraph } from '../apps/api';
import type { Issue } from '../apps/types';
import type { KeyedStore } from './model/keyedStore';
import type { GraphDocument } from './useGraphDocument';

export const VALIDATE_DELAY_MS = 400;

export function issuesByNode(issues: readonly Issue[]): Map<string, Issue[]> {
  const map = new Map<string, Issue[]>();
  for (const i of issues) {
    if (!i.node_id) continue;
    const list = map.get(i.node_id);
    if (list) list.push(i);
    else map.set(i.node_id, [i]);
  }
  return map;
}

export function useValidation(
  workspaceId: string,
  appId: string,
  document: GraphDocument,
  store: KeyedStore<Issue[]>,
  enabled: boolean,
): { issues: Issue[]; validating: boolean; setIssues: (issues: Issue[]) => void } {
  const [issues, setIssuesState] = useState<Issue[]>([]);
  const [validating, setValidating] = useState(false);
  const seq = useRef(0);
  const { getGraph, version } = document;

  const setIssues = useCallback(
    (next: Issue[]) => {
      setIssuesState(next);
      // Keep the node's array identity when its issues did not change, so it does not re-render.
      const grouped = issuesByNode(next);
      const merged = new Map<string, Issue[]>();
      for (const [id, list] of grouped) {
        const prev = store.get(id);
        merged.set(id, prev && JSON.stringify(prev) === JSON.stringify(list) ? prev : list);
      }
      store.replace(merged);
    },
    [store],
  );

  useEffect(() => {
    if (!enabled || version === 0) return undefined;
    const controller = new AbortController();
    const mine = ++seq.current;
    const t = setTimeout(() => {
      setValidating(true);
      validateGraph(workspaceId, appId, getGraph(), controller.signal)
        .then((res) => {
          if (mine === seq.current) setIssues(res.issues ?? []);
        })
        .catch(() => undefined) // a failed validation keeps the last known issues
        .finally(() => {
          if (mine === seq.current) setValidating(false);
        });
    }, VALIDATE_DELAY_MS);
    return () => {
      clearTimeout(t);
      controller.abort();
    };
  }, [version, enabled, workspaceId, appId, getGraph, setIssues]);

  return { issues, validating, setIssues };
}
