/** The loss curve of a job, live: Plotly draws into the same div each time the job changes
 * (Plotly.react, no purge in between, so it does not flicker) and again when the theme changes.
 * Plotly loads only with this chart. */
import { useEffect, useRef, useState } from 'react';
import { lossLayout, lossTraces, themeCurveColors } from './lossCurve';
import type { LossPoint } from './types';

type PlotlyModule = {
  react: (el: HTMLElement, data: unknown[], layout: Record<string, unknown>, config: Record<string, unknown>) => Promise<unknown>;
  purge: (el: HTMLElement) => void;
};

let plotlyLoading: Promise<PlotlyModule> | null = null;
const loadPlotly = () =>
  (plotlyLoading ??= import('plotly.js-dist-min').then((module) => (module as unknown as { default: PlotlyModule }).default));

/** Counts the theme switches (<html data-theme>), so that charts redraw in the new colours. */
function useThemeVersion(): number {
  const [version, setVersion] = useState(0);
  useEffect(() => {
    const observer = new MutationObserver(() => setVersion((v) => v + 1));
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
    return () => observer.disconnect();
  }, []);
  return version;
}

export function LossCurve({ losses, valLosses, totalSteps }: { losses: LossPoint[]; valLosses: LossPoint[]; totalSteps: number }) {
  const ref = useRef<HTMLDivElement>(null);
  const theme = useThemeVersion();
  const key = JSON.stringify([losses, valLosses, totalSteps, theme]);

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    let current = true;
    void loadPlotly().then((plotly) => {
      if (!current) return;
      const colors = themeCurveColors();
      void plotly.react(el, lossTraces(losses, valLosses, colors), lossLayout(totalSteps, colors), {
        displaylogo: false,
        responsive: true,
      });
    });
    return () => {
      current = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);

  useEffect(() => {
    const el = ref.current;
    return () => {
      if (el && plotlyLoading) void plotlyLoading.then((plotly) => plotly.purge(el));
    };
  }, []);

  return <div ref={ref} className="ft-chart" data-testid="loss-curve" role="img" aria-label="Training and validation loss per step" />;
}
