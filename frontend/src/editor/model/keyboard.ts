/** Keyboard shortcuts of the canvas, and the guard that keeps them quiet while the user types. */

/** True when the key event happens in a place where keys mean text (inputs, textareas, editors). */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!target || typeof (target as HTMLElement).tagName !== 'string') return false;
  const el = target as HTMLElement;
  const tag = el.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag === 'INPUT') {
    const type = ((el as HTMLInputElement).type || 'text').toLowerCase();
    return !['button', 'checkbox', 'radio', 'submit', 'reset', 'range', 'color', 'file'].includes(type);
  }
  return el.isContentEditable || el.getAttribute('contenteditable') === 'true';
}

export type ShortcutAction =
  | 'undo'
  | 'redo'
  | 'copy'
  | 'paste'
  | 'duplicate'
  | 'delete'
  | 'organize'
  | 'fitView'
  | 'run'
  | 'shortcuts'
  | 'selectAll';

export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
  target: EventTarget | null;
}

/**
 * The action a key press asks for, or null. Nothing fires while a text field has focus,
 * except Ctrl/Cmd+Enter (run), which is meant to work from the inputs form.
 */
export function shortcutFor(e: KeyLike): ShortcutAction | null {
  const mod = e.ctrlKey || e.metaKey;
  const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
  if (mod && key === 'Enter') return 'run';
  if (isTypingTarget(e.target)) return null;
  if (e.altKey) return null;
  if (mod) {
    if (key === 'z') return e.shiftKey ? 'redo' : 'undo';
    if (key === 'y') return 'redo';
    if (e.shiftKey) return null;
    if (key === 'c') return 'copy';
    if (key === 'v') return 'paste';
    if (key === 'd') return 'duplicate';
    if (key === 'o') return 'organize';
    if (key === '1') return 'fitView';
    if (key === 'a') return 'selectAll';
    return null;
  }
  if (key === 'Delete' || key === 'Backspace') return 'delete';
  if (key === '?') return 'shortcuts';
  return null;
}

const IS_MAC = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);

/** "Ctrl+Z" on Linux/Windows, "⌘Z" on a Mac. */
export function shortcutLabel(combo: string): string {
  if (!IS_MAC) return combo;
  return combo.replace(/Ctrl\+/g, '⌘').replace(/Shift\+/g, '⇧').replace(/Alt\+/g, '⌥');
}

export const SHORTCUTS: { combo: string; label: string }[] = [
  { combo: 'Ctrl+Z', label: 'Undo' },
  { combo: 'Ctrl+Shift+Z', label: 'Redo (also Ctrl+Y)' },
  { combo: 'Ctrl+C', label: 'Copy selected nodes (as JSON, works across apps and tabs)' },
  { combo: 'Ctrl+V', label: 'Paste nodes' },
  { combo: 'Ctrl+D', label: 'Duplicate selected nodes' },
  { combo: 'Delete', label: 'Delete selection (also Backspace)' },
  { combo: 'Ctrl+A', label: 'Select all nodes' },
  { combo: 'Ctrl+O', label: 'Organize (auto-layout)' },
  { combo: 'Ctrl+1', label: 'Fit view' },
  { combo: 'Ctrl+Enter', label: 'Run' },
  { combo: '?', label: 'Show this sheet' },
  { combo: 'Space (hold)', label: 'Pan with the mouse' },
];
