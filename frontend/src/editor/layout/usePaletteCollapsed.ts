/** Whether the node palette is folded to a rail of icons. The user's choice is remembered;
 * until there is one, the palette folds where the window is too narrow for it and a side panel. */
import { useCallback, useEffect, useState } from 'react';
import { readStored, writeStored } from './storage';

export const PALETTE_COLLAPSED_KEY = 'llmops.editor.paletteCollapsed';
/** From this width up, the open palette, a side panel and a wide canvas fit together. */
const ROOMY_WINDOW = '(min-width: 1440px)';

function storedChoice(): boolean | null {
  const value = readStored(PALETTE_COLLAPSED_KEY);
  return value === 'true' ? true : value === 'false' ? false : null;
}

function roomyWindow(): MediaQueryList | null {
  return typeof window.matchMedia === 'function' ? window.matchMedia(ROOMY_WINDOW) : null;
}

function initialCollapsed(): boolean {
  return storedChoice() ?? !(roomyWindow()?.matches ?? true);
}

export function usePaletteCollapsed(): { collapsed: boolean; toggle: () => void } {
  const [collapsed, setCollapsed] = useState(initialCollapsed);

  // Follow the window's width while the user has not chosen.
  useEffect(() => {
    const media = roomyWindow();
    if (!media) return undefined;
    const onChange = (e: MediaQueryListEvent) => {
      if (storedChoice() === null) setCollapsed(!e.matches);
    };
    media.addEventListener('change', onChange);
    return () => media.removeEventListener('change', onChange);
  }, []);

  const toggle = useCallback(() => {
    const next = !collapsed;
    writeStored(PALETTE_COLLAPSED_KEY, String(next));
    setCollapsed(next);
  }, [collapsed]);
  return { collapsed, toggle };
}
