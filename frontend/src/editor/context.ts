/** What every canvas node reads without props: the node types and the per-node stores. */
import { createContext, useContext } from 'react';
import type { Issue, NodeRunStatus, NodeTypeDef } from '../apps/types';
import type { DiffMark } from './model/diffModel';
import type { KeyedStore } from './model/keyedStore';

export interface NodeRunState {
  status: NodeRunStatus;
  message?: string;
}

export interface EditorStores {
  status: KeyedStore<NodeRunState>;
  issues: KeyedStore<Issue[]>;
  diff: KeyedStore<DiffMark>;
}

export interface CanvasActions {
  /** Opens the node picker to insert a node connected from `nodeId`'s `handle`. */
  openPickerFromHandle(nodeId: string, handle: string, anchor: { x: number; y: number }): void;
  /** Changes a sticky note's text. */
  updateNoteText(noteId: string, text: string): void;
}

export interface EditorContextValue {
  types: ReadonlyMap<string, NodeTypeDef>;
  stores: EditorStores;
  actions: CanvasActions;
}

export const EditorContext = createContext<EditorContextValue | null>(null);

export function useEditorContext(): EditorContextValue {
  const ctx = useContext(EditorContext);
  if (!ctx) throw new Error('useEditorContext() outside <EditorContext.Provider>');
  return ctx;
}
