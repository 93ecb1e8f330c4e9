"""Performance: requests and errors over time, error rate by code, latency p50/p95/p99 of whole runs
over time and per node type (where the time goes), and throughput."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
from dash import Dash, Input, Output, dcc, html

from builder.monitoring import selectors
from builder.monitoring.dash import figures, filters, runs_table
from builder.monitoring.dash.server import request_workspace_id


def layout() -> html.Div:
    return html.Div([
        html.Div(id="perf-kpis", className="kpis"),
        html.Div([
            dcc.Graph(id="perf-requests", config=figures.GRAPH_CONFIG),
            dcc.Graph(id="perf-latency", config=figures.GRAPH_CONFIG),
        ], className="grid-2"),
        html.Div([
            dcc.Graph(id="perf-errors", config=figures.GRAPH_CONFIG),
            dcc.Graph(id="perf-nodes", config=figures.GRAPH_CONFIG),
        ], className="grid-2"),
        html.Div([html.H2("Where the time goes, per node type"), html.Div(id="perf-node-table")], className="card"),
        runs_table.panel("perf"),
    ])


def register(app: Dash) -> None:
    @app.callback(
        Output("perf-kpis", "children"), Output("perf-requests", "figure"), Output("perf-latency", "figure"),
        Output("perf-errors", "figure"), Output("perf-nodes", "figure"), Output("perf-node-table", "children"),
        *[Input(f"f-{name}", "value") for name in filters.FILTERS], Input("theme", "data"))
    def performance_page(*args: Any) -> tuple[Any, ...]:
        *values, theme = args
        scope = filters.scope_of(request_workspace_id(), dict(zip(filters.FILTERS, values, strict=True)))
        c = figures.colors(theme)
        totals = selectors.totals(scope)
        profile = selectors.latency_profile(scope)
        latency, first_token = profile["run"], profile["first_token"]
        minutes = max((scope.until - scope.since).total_seconds() / 60, 1)
        kpis = [
            figures.kpi("Requests", figures.number(totals["runs"]), figures.throughput(totals["runs"], minutes)),
            figures.kpi("Error rate", figures.percent(totals["error_rate"]),
                        f"{figures.number(totals['failed'])} failed",
                        tone="bad" if (totals["error_rate"] or 0) > 0.05 else ""),
            figures.kpi("Latency p50", figures.ms(latency[0.5])),
            figures.kpi("Latency p95", figures.ms(latency[0.95])),
            figures.kpi("Latency p99", figures.ms(latency[0.99])),
            figures.kpi("Time to first token p50", figures.ms(first_token[0.5]),
                        f"p95 {figures.ms(first_token[0.95])} · {figures.number(totals['streamed'])} streamed"),
        ]
        rows = selectors.series(scope)
        word = {"m": "minute", "h": "hour", "d": "day"}[scope.grain]
        if rows:
            x = [r["bucket"] for r in rows]
            requests = go.Figure([
                go.Bar(name="succeeded", x=x, y=[r["runs"] - r["failed"] for r in rows], marker_color=c["accent"]),
                go.Bar(name="failed", x=x, y=[r["failed"] for r in rows], marker_color=c["error"]),
            ])
            requests.update_layout(barmode="stack")
            requests = figures.styled(requests, theme, title=f"Requests per {word}", y_title="runs", window=scope)
        else:
            requests = figures.empty(theme, "Requests")
        lat_rows = profile["series"]
        if lat_rows:
            x = [r["bucket"] for r in lat_rows]
            lat = go.Figure([go.Scatter(name=p, x=x, y=[r[p] for r in lat_rows], mode="lines+markers")
                             for p in ("p50", "p95", "p99")])
            if any(r["ttft_p50"] is not None for r in lat_rows):
                lat.add_trace(go.Scatter(name="first token p50", x=x, y=[r["ttft_p50"] for r in lat_rows],
                                         mode="lines+markers", line={"dash": "dot"}))
            lat = figures.styled(lat, theme, title=f"Latency per {word}", y_title="ms", window=scope)
        else:
            lat = figures.empty(theme, "Latency")
        codes = [r for r in selectors.breakdown(scope, "error_code") if r["key"]]
        if codes:
            total = totals["runs"] or 1
            errors = go.Figure(go.Bar(x=[r["key"] for r in codes], y=[r["runs"] / total for r in codes],
                                      customdata=[[r["key"]] for r in codes], marker_color=c["error"],
                                      hovertemplate="%{x}: %{y:.2%} of runs<extra></extra>"))
            errors.update_yaxes(tickformat=".1%")
            errors = figures.styled(errors, theme, title="Error rate by code (click for the runs)")
        else:
            errors = figures.empty(theme, "Error rate by code", "No failed runs in this range.")
        nodes = selectors.node_latency(scope)
        if nodes:
            node_fig = go.Figure([go.Bar(name=p, y=[n["node_type"] for n in nodes][::-1],
                                         x=[n[p] for n in nodes][::-1], orientation="h") for p in ("p50", "p95")])
            node_fig.update_layout(barmode="group", hovermode="y unified")
            node_fig = figures.styled(node_fig, theme, title="Node latency by type", y_title="")
            node_fig.update_xaxes(title_text="ms")
        else:
            node_fig = figures.empty(theme, "Node latency by type")
        node_table = html.Table([
            html.Thead(html.Tr([html.Th(h) for h in ("Node type", "Calls", "Failed", "Mean", "p50", "p95", "p99",
                                                     "Cost")])),
            html.Tbody([html.Tr([html.Td(n["node_type"]), html.Td(figures.number(n["calls"])),
                                 html.Td(figures.number(n["failed"])), html.Td(figures.ms(n["mean"])),
                                 html.Td(figures.ms(n["p50"])), html.Td(figures.ms(n["p95"])),
                                 html.Td(figures.ms(n["p99"])), html.Td(figures.money(n["cost"]))]) for n in nodes]),
        ], className="table") if nodes else html.P("No node calls in this range.", className="muted")
        return kpis, requests, lat, errors, node_fig, node_table

    runs_table.register(app, "perf", graphs=["perf-requests", "perf-latency"], error_graph="perf-errors")
