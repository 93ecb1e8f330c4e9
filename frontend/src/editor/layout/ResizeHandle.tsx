/** The drag handle on the left edge of a right-hand panel: drag it (or focus it and press ←/→)
 * to change the panel's width; double-click goes back to the default width. */
import { useRef, type KeyboardEvent, type PointerEvent } from 'react';
import { PANEL_MAX_WIDTH, PANEL_MIN_WIDTH, type PanelWidth } from './usePanelWidth';

const KEY_STEP = 24;

export function ResizeHandle({ size, label }: { size: PanelWidth; label: string }) {
  const drag = useRef<{ startX: number; startWidth: number; width: number } | null>(null);

  function onPointerDown(e: PointerEvent<HTMLDivElement>) {
    if (e.button !== 0) return;
    e.preventDefault();
    e.currentTarget.setPointerCapture(e.pointerId);
    drag.current = { startX: e.clientX, startWidth: size.width, width: size.width };
  }
  function onPointerMove(e: PointerEvent<HTMLDivElement>) {
    const d = drag.current;
    if (!d) return;
    // The panel is on the right: moving the handle left widens it.
    d.width = d.startWidth + (d.startX - e.clientX);
    size.preview(d.width);
  }
  function onPointerUp(e: PointerEvent<HTMLDivElement>) {
    const d = drag.current;
    if (!d) return;
    drag.current = null;
    e.currentTarget.releasePointerCapture(e.pointerId);
    size.commit(d.width);
  }
  function onKeyDown(e: KeyboardEvent<HTMLDivElement>) {
    const step = e.key === 'ArrowLeft' ? KEY_STEP : e.key === 'ArrowRight' ? -KEY_STEP : 0;
    if (step === 0) return;
    e.preventDefault();
    size.commit(size.width + step);
  }

  return (
    <div
      className="resize-handle"
      role="separator"
      aria-orientation="vertical"
      aria-label={label}
      aria-valuenow={size.width}
      aria-valuemin={PANEL_MIN_WIDTH}
      aria-valuemax={PANEL_MAX_WIDTH}
      tabIndex={0}
      title="Drag to resize (double-click: default width)"
      data-testid="panel-resize-handle"
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerUp}
      onPointerCancel={onPointerUp}
      onDoubleClick={size.reset}
      onKeyDown={onKeyDown}
    />
  );
}
