"""How the monitoring figures look: the UI's colours (tokens.css) in light and dark, transparent
backgrounds so the page's surface shows through, and small helpers for empty states and KPIs."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
from dash import html

from builder.monitoring import selectors
from builder.monitoring.selectors import Scope

PALETTE = {
    "light": {"text": "#1c2230", "muted": "#5d6678", "grid": "#e3e6ec", "accent": "#3b5bdb", "error": "#c92a2a",
              "ok": "#2b8a3e", "warn": "#b35c00"},
    "dark": {"text": "#e4e7ee", "muted": "#99a1b3", "grid": "#2b313d", "accent": "#7c94ff", "error": "#ff8787",
             "ok": "#69db7c", "warn": "#ffa94d"},
}
SERIES = ["#3b5bdb", "#2b8a3e", "#b35c00", "#ae3ec9", "#0c8599", "#e8590c", "#5c940d", "#c2255c"]
SERIES_DARK = ["#7c94ff", "#69db7c", "#ffa94d", "#da77f2", "#3bc9db", "#ff922b", "#a9e34b", "#f06595"]


#: Every chart's mode bar: no Plotly logo, and no "Share chart" (it would upload the workspace's
#: figures to Plotly's cloud).
GRAPH_CONFIG = {"displaylogo": False, "showSendToCloud": False,
                "modeBarButtonsToRemove": ["sendChartToCloud", "sendDataToCloud"]}


def colors(theme: str | None) -> dict[str, str]:
    return PALETTE["dark" if theme == "dark" else "light"]


def styled(fig: go.Figure, theme: str | None, *, title: str, y_title: str = "", height: int = 280,
           window: Scope | None = None) -> go.Figure:
    """The platform's look; ``window``: a chart over time spans the filters' whole time range
    (a range with one busy hour shows that hour in it, not a zoom into one instant)."""
    c = colors(theme)
    fig.update_layout(
        title={"text": title, "font": {"size": 14, "color": c["text"]}, "x": 0, "xanchor": "left"},
        paper_bgcolor="rgba(0,0,0,0)", plot_bgcolor="rgba(0,0,0,0)", height=height,
        font={"family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", "color": c["text"], "size": 12},
        margin={"l": 56, "r": 16, "t": 40, "b": 40}, hovermode="x unified",
        legend={"orientation": "h", "y": -0.2, "x": 0},
        colorway=SERIES_DARK if theme == "dark" else SERIES,
    )
    fig.update_xaxes(gridcolor=c["grid"], zerolinecolor=c["grid"], linecolor=c["grid"])
    if window is not None:
        step = selectors.bucket_step(window.grain)
        fig.update_xaxes(range=[selectors.bucket_start(window.since, window.grain),
                                selectors.bucket_start(window.until, window.grain) + step])
        # a bar covers its bucket (Plotly would draw a lone bar on a time axis a millisecond wide)
        fig.update_traces(width=step.total_seconds() * 1000 * 0.9, offset=0, selector={"type": "bar"})
    fig.update_yaxes(gridcolor=c["grid"], zerolinecolor=c["grid"], linecolor=c["grid"], title_text=y_title)
    return fig


def empty(theme: str | None, title: str, message: str = "No published traffic in this range.") -> go.Figure:
    fig = go.Figure()
    fig.add_annotation(text=message, showarrow=False, font={"color": colors(theme)["muted"]})
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return styled(fig, theme, title=title)


def throughput(runs: int, minutes: float) -> str:
    """Runs per minute, or per hour or day when that reads better."""
    per_minute = runs / max(minutes, 1)
    if per_minute >= 1 or not runs:
        return f"{per_minute:,.1f} a minute"
    if per_minute * 60 >= 1:
        return f"{per_minute * 60:,.1f} an hour"
    return f"{per_minute * 1440:,.1f} a day"


def kpi(label: str, value: str, note: str = "", *, tone: str = "") -> html.Div:
    return html.Div([html.Div(label, className="kpi-label"), html.Div(value, className=f"kpi-value {tone}"),
                     html.Div(note, className="kpi-note")], className="kpi")


def money(value: float | None) -> str:
    if value is None:
        return "—"
    return f"${value:,.4f}" if abs(value) < 1 else f"${value:,.2f}"


def number(value: float | int | None) -> str:
    return "—" if value is None else f"{value:,.0f}"


def ms(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value / 1000:,.2f} s" if value >= 1000 else f"{value:,.0f} ms"


def percent(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value * 100:.{digits}f} %"


def score(entry: dict[str, Any]) -> str:
    """A reviewers' score config in words (:func:`selectors.annotation_scores`): ``4.00`` for
    numbers, ``67 % yes`` for yes/no and options."""
    if entry["first"] is None:
        return f"{entry['mean']:.2f}"
    return f"{percent(entry['mean'], digits=0)} {entry['first']}"


def interval(p: dict[str, Any]) -> str:
    if p.get("value") is None:
        return "—"
    return f"{p['value'] * 100:.1f} % ({p['low'] * 100:.1f}–{p['high'] * 100:.1f}), n = {p['n']:,}"
