/** A job's loss curve as Plotly traces: the training loss as a line over the steps, the validation
 * loss (measured once an epoch or so) as markers joined by a dashed line. */
import type { LossPoint } from './types';

export interface CurveColors {
  text: string;
  grid: string;
  training: string;
  validation: string;
}

export interface LossTrace {
  type: 'scatter';
  mode: 'lines' | 'lines+markers';
  name: string;
  x: number[];
  y: number[];
  line: { color: string; width: number; dash?: 'dash' };
  marker?: { color: string; size: number };
  hovertemplate: string;
}

export function lossTraces(losses: readonly LossPoint[], valLosses: readonly LossPoint[], colors: CurveColors): LossTrace[] {
  const traces: LossTrace[] = [
    {
      type: 'scatter',
      mode: 'lines',
      name: 'training loss',
      x: losses.map(([step]) => step),
      y: losses.map(([, loss]) => loss),
      line: { color: colors.training, width: 2 },
      hovertemplate: 'step %{x}: %{y:.3f}<extra>training</extra>',
    },
  ];
  if (valLosses.length > 0) {
    traces.push({
      type: 'scatter',
      mode: 'lines+markers',
      name: 'validation loss',
      x: valLosses.map(([step]) => step),
      y: valLosses.map(([, loss]) => loss),
      line: { color: colors.validation, width: 1.5, dash: 'dash' },
      marker: { color: colors.validation, size: 8 },
      hovertemplate: 'step %{x}: %{y:.3f}<extra>validation</extra>',
    });
  }
  return traces;
}

/** The chart's layout: x is the step (up to the total, so the curve fills in from the left). */
export function lossLayout(totalSteps: number, colors: CurveColors): Record<string, unknown> {
  return {
    margin: { l: 48, r: 16, t: 16, b: 40 },
    height: 280,
    paper_bgcolor: 'rgba(0,0,0,0)',
    plot_bgcolor: 'rgba(0,0,0,0)',
    font: { color: colors.text, size: 12 },
    xaxis: { title: { text: 'step' }, gridcolor: colors.grid, range: totalSteps ? [0, totalSteps] : undefined, rangemode: 'tozero' },
    yaxis: { title: { text: 'loss' }, gridcolor: colors.grid, rangemode: 'tozero' },
    legend: { orientation: 'h', y: -0.25 },
    uirevision: 'loss',
  };
}

/** The theme's colours (CSS variables), read when the chart draws. */
export function themeCurveColors(): CurveColors {
  const style = getComputedStyle(document.documentElement);
  const get = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  return {
    text: get('--text', '#1c2230'),
    grid: get('--border', '#d9dde5'),
    training: get('--accent', '#3b5bdb'),
    validation: get('--warn', '#b35c00'),
  };
}
