/** Plotly charts of an experiment: the good-result ratio per variant with its 95 % interval,
 * per task side by side, and cost against quality. Plotly loads only with this page. */
import { useEffect, useRef } from 'react';
import type { ExperimentSummary } from './types';

type PlotlyModule = {
  react: (el: HTMLElement, data: unknown[], layout: Record<string, unknown>, config: Record<string, unknown>) => Promise<unknown>;
  purge: (el: HTMLElement) => void;
};

function themeColors() {
  const style = getComputedStyle(document.documentElement);
  const get = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  return { text: get('--text', '#1f2328'), grid: get('--border', '#d0d7de'), paper: get('--surface', '#ffffff') };
}

function usePlot(data: unknown[], layout: Record<string, unknown>) {
  const ref = useRef<HTMLDivElement>(null);
  const key = JSON.stringify([data, layout]);
  useEffect(() => {
    const el = ref.current;
    if (!el) return undefined;
    let cancelled = false;
    let plotly: PlotlyModule | null = null;
    void import('plotly.js-dist-min').then((module) => {
      if (cancelled) return;
      plotly = (module as unknown as { default: PlotlyModule }).default;
      const colors = themeColors();
      void plotly.react(el, data, {
        margin: { l: 48, r: 16, t: 28, b: 40 },
        paper_bgcolor: 'rgba(0,0,0,0)',
        plot_bgcolor: 'rgba(0,0,0,0)',
        font: { color: colors.text, size: 12 },
        xaxis: { gridcolor: colors.grid },
        yaxis: { gridcolor: colors.grid },
        ...layout,
      }, { displaylogo: false, responsive: true });
    });
    return () => {
      cancelled = true;
      if (plotly) plotly.purge(el);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  return ref;
}

export function RatioChart({ summary, names }: { summary: ExperimentSummary; names: Record<number, string> }) {
  const tasks = summary.tasks.map((t) => t.task);
  const data = summary.variants.map((v) => {
    const tallies = summary.tasks.map((t) => t.variants[String(v.id)]);
    return {
      type: 'bar',
      name: names[v.id] ?? v.name,
      x: ['all', ...tasks],
      y: [v.ratio ?? 0, ...tallies.map((t) => t?.ratio ?? 0)],
      error_y: {
        type: 'data',
        symmetric: false,
        array: [v.ci_high - (v.ratio ?? 0), ...tallies.map((t) => (t ? t.ci_high - (t.ratio ?? 0) : 0))],
        arrayminus: [(v.ratio ?? 0) - v.ci_low, ...tallies.map((t) => (t ? (t.ratio ?? 0) - t.ci_low : 0))],
      },
      hovertemplate: '%{x}: %{y:.0%}<extra>%{fullData.name}</extra>',
    };
  });
  const ref = usePlot(data, {
    barmode: 'group',
    yaxis: { range: [0, 1], tickformat: '.0%', title: { text: 'good results (95 % interval)' } },
    legend: { orientation: 'h', y: -0.2 },
    height: 300,
  });
  return <div ref={ref} className="eval-chart" data-testid="ratio-chart" aria-label="Good-result ratio per variant and task" role="img" />;
}

export function CostQualityChart({ summary, names }: { summary: ExperimentSummary; names: Record<number, string> }) {
  const data = [
    {
      type: 'scatter',
      mode: 'markers+text',
      x: summary.variants.map((v) => v.cost_per_cell ?? 0),
      y: summary.variants.map((v) => v.ratio ?? 0),
      text: summary.variants.map((v) => names[v.id] ?? v.name),
      textposition: 'top center',
      marker: { size: 12 },
      hovertemplate: '%{text}<br>$%{x:.6f} per cell, %{y:.0%} good<extra></extra>',
    },
  ];
  const ref = usePlot(data, {
    xaxis: { title: { text: 'cost per cell ($)' }, rangemode: 'tozero' },
    yaxis: { range: [0, 1.05], tickformat: '.0%', title: { text: 'good results' } },
    height: 260,
  });
  return <div ref={ref} className="eval-chart" aria-label="Cost against quality" role="img" />;
}
