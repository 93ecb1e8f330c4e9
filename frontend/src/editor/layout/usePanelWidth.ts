/** The width of a right-hand panel of the editor: resized with its handle, remembered per panel. */
import { useCallback, useState } from 'react';
import { readStored, writeStored } from './storage';

/** The panels that open on the right of the canvas, one at a time. */
export type DockedPanel = 'node' | 'run' | 'versions' | 'publish';

export const PANEL_MIN_WIDTH = 280;
export const PANEL_MAX_WIDTH = 760;

/** Widths that leave the canvas most of a 1280-pixel window. */
export const DEFAULT_PANEL_WIDTH: Record<DockedPanel, number> = { node: 360, run: 380, versions: 360, publish: 400 };

export function panelWidthKey(panel: DockedPanel): string {
  return `llmops.editor.panelWidth.${panel}`;
}

export function clampPanelWidth(width: number): number {
  return Math.round(Math.min(PANEL_MAX_WIDTH, Math.max(PANEL_MIN_WIDTH, width)));
}

function storedWidth(panel: DockedPanel): number {
  const value = Number(readStored(panelWidthKey(panel)));
  return value > 0 ? clampPanelWidth(value) : DEFAULT_PANEL_WIDTH[panel];
}

export interface PanelWidth {
  width: number;
  /** While dragging: the new width, not yet remembered. */
  preview: (width: number) => void;
  /** Sets and remembers a width (the end of a drag, a key press). */
  commit: (width: number) => void;
  reset: () => void;
}

/** Mount one per panel (`key` it by the panel): the width is read once, when it mounts. */
export function usePanelWidth(panel: DockedPanel): PanelWidth {
  const [width, setWidth] = useState(() => storedWidth(panel));

  const preview = useCallback((w: number) => setWidth(clampPanelWidth(w)), []);
  const commit = useCallback(
    (w: number) => {
      const clamped = clampPanelWidth(w);
      setWidth(clamped);
      writeStored(panelWidthKey(panel), String(clamped));
    },
    [panel],
  );
  const reset = useCallback(() => commit(DEFAULT_PANEL_WIDTH[panel]), [commit, panel]);
  return { width, preview, commit, reset };
}
