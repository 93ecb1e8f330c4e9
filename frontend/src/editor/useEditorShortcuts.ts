/** What the editor's shortcuts do (the keys are in model/keyboard): undo/redo, delete, duplicate,
 * organize, fit view, run, the shortcuts sheet, select all; Escape closes the sheet, then the
 * picker, then clears the selection. Copy and paste go to the clipboard. */
import { useCallback } from 'react';
import type { ShortcutAction } from './model/keyboard';
import type { Viewport } from './canvas/useViewport';
import type { Clipboard } from './useClipboard';
import { useEditorKeys } from './useEditorKeys';
import type { EditorPanels } from './useEditorPanels';
import type { GraphOps } from './useGraphDocument';
import type { ViewMode } from './useViewMode';

export function useEditorShortcuts({
  ops,
  view,
  panels,
  viewport,
  clipboard,
  picker,
  startRun,
}: {
  ops: GraphOps;
  view: Pick<ViewMode, 'editing' | 'readOnly' | 'select'>;
  panels: Pick<EditorPanels, 'selectedId' | 'shortcutsOpen' | 'closeShortcuts' | 'toggleShortcuts'>;
  viewport: Viewport;
  clipboard: Clipboard;
  picker: { open: boolean; close: () => void };
  startRun: () => void;
}): (action: ShortcutAction) => void {
  const { editing, readOnly, select } = view;
  const { fitAll } = viewport;
  const { duplicate } = clipboard;
  const { toggleShortcuts } = panels;

  const onAction = useCallback(
    (action: ShortcutAction) => {
      switch (action) {
        case 'undo':
          if (!readOnly) ops.undo();
          break;
        case 'redo':
          if (!readOnly) ops.redo();
          break;
        case 'delete':
          if (!readOnly) ops.deleteSelection();
          break;
        case 'duplicate':
          duplicate();
          break;
        case 'organize':
          if (!readOnly) {
            ops.organize();
            requestAnimationFrame(() => fitAll(300));
          }
          break;
        case 'fitView':
          fitAll(200);
          break;
        case 'run':
          startRun();
          break;
        case 'shortcuts':
          toggleShortcuts();
          break;
        case 'selectAll':
          if (editing) ops.selectAll();
          break;
        default:
          break;
      }
    },
    [readOnly, ops, duplicate, fitAll, startRun, toggleShortcuts, editing],
  );

  useEditorKeys({
    onAction,
    onEscape: () => {
      if (panels.shortcutsOpen) panels.closeShortcuts();
      else if (picker.open) picker.close();
      else if (panels.selectedId) select(null);
    },
    onCopy: clipboard.copy,
    onPaste: clipboard.paste,
  });

  return onAction;
}
