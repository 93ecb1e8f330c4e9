import { useEffect, useRef, useState } from 'react';
import { EventSocket, websocketUrl, type ConnectionState } from '../realtime/eventSocket';
import type { DocumentEvent } from './types';

export function isDocumentEvent(data: unknown): data is DocumentEvent {
  if (typeof data !== 'object' || data === null) return false;
  const { type, document } = data as { type?: unknown; document?: unknown };
  return type === 'knowledge.document' && typeof document === 'object' && document !== null;
}

/** Live `knowledge.document` events of the workspace (state changes and embedding progress). */
export function useKnowledgeEvents(workspaceId: string, onEvent: (event: DocumentEvent) => void): ConnectionState {
  const [state, setState] = useState<ConnectionState>('connecting');
  const handler = useRef(onEvent);
  useEffect(() => {
    handler.current = onEvent;
  });
  useEffect(() => {
    if (!workspaceId) return undefined;
    const socket = new EventSocket({
      url: websocketUrl(`/ws/workspaces/${encodeURIComponent(workspaceId)}/events/`),
      onMessage: (data) => {
        if (isDocumentEvent(data)) handler.current(data);
      },
      onStateChange: (next) => setState(next),
    });
    socket.start();
    return () => socket.stop();
  }, [workspaceId]);
  return state;
}
