/**
 * Keyboard shortcuts and clipboard for the editor. Shortcuts never fire while a text field has
 * focus; copy/paste go through the browser's copy/paste events (no permission prompt), so they
 * work across apps and tabs.
 */
import { useEffect, useRef } from 'react';
import { isTypingTarget, shortcutFor, type ShortcutAction } from './model/keyboard';

export interface EditorKeyHandlers {
  onAction: (action: ShortcutAction, e: KeyboardEvent) => void;
  onEscape: () => void;
  /** The JSON to put on the clipboard, or null when nothing is selected. */
  onCopy: () => string | null;
  /** Returns true when the text was nodes and they were pasted. */
  onPaste: (text: string) => boolean;
}

/** Keys that act on the selection only count when focus is on the canvas (or nowhere). */
const CANVAS_SCOPED: ReadonlySet<ShortcutAction> = new Set(['delete', 'duplicate', 'selectAll']);

export function inCanvasScope(target: EventTarget | null): boolean {
  if (!target || target === document.body || target === document.documentElement) return true;
  const el = target as Element;
  return typeof el.closest === 'function' && el.closest('.canvas-wrap') !== null;
}

export function useEditorKeys(handlers: EditorKeyHandlers, enabled = true): void {
  const ref = useRef(handlers);
  ref.current = handlers;

  useEffect(() => {
    if (!enabled) return undefined;
    const onKeyDown = (e: KeyboardEvent) => {
      if (e.defaultPrevented) return;
      if (e.key === 'Escape' && !isTypingTarget(e.target)) {
        ref.current.onEscape();
        return;
      }
      const action = shortcutFor(e);
      if (!action || action === 'copy' || action === 'paste') return;
      if (CANVAS_SCOPED.has(action) && !inCanvasScope(e.target)) return;
      e.preventDefault();
      ref.current.onAction(action, e);
    };
    const onCopy = (e: ClipboardEvent) => {
      if (isTypingTarget(e.target) || !inCanvasScope(e.target)) return;
      if (window.getSelection()?.toString()) return; // the user is copying text
      const json = ref.current.onCopy();
      if (json === null || !e.clipboardData) return;
      e.clipboardData.setData('text/plain', json);
      e.preventDefault();
    };
    const onPaste = (e: ClipboardEvent) => {
      if (isTypingTarget(e.target) || !e.clipboardData) return;
      if (ref.current.onPaste(e.clipboardData.getData('text/plain'))) e.preventDefault();
    };
    window.addEventListener('keydown', onKeyDown);
    document.addEventListener('copy', onCopy);
    document.addEventListener('paste', onPaste);
    return () => {
      window.removeEventListener('keydown', onKeyDown);
      document.removeEventListener('copy', onCopy);
      document.removeEventListener('paste', onPaste);
    };
  }, [enabled]);
}
