/** How a run's numbers read wherever a trace is shown (the editor, the run pages, the publish
 * panel's API runs). Pure. */

/** A duration: "850 ms" below a second, "1.25 s" from one second on. */
export function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`;
}
