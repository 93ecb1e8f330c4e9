"""The runs behind a point: clicking a bar or a point of a time-series figure lists the latest
runs of that bucket (with the page's filters), each linking to its trace in the app."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from dash import Dash, Input, Output, ctx, html
from dash.exceptions import PreventUpdate

from builder.monitoring import selectors
from builder.monitoring.dash import figures, filters
from builder.monitoring.dash.server import request_workspace_id


def panel(page: str) -> html.Section:
    return html.Section([
        html.H2("Runs behind a point"),
        html.Div(html.P("Click a bar or a point of a chart over time to list its runs.", className="muted"),
                 id=f"{page}-runs"),
    ], className="card runs-behind", **{"aria-live": "polite"})


def first_point(click: Any) -> dict[str, Any]:
    """The clicked point of a graph's ``clickData`` ({} for anything else a request may carry)."""
    points = click.get("points") if isinstance(click, dict) else None
    return points[0] if isinstance(points, list) and points and isinstance(points[0], dict) else {}


def bucket_of(click: Any) -> datetime | None:
    point = first_point(click)
    if not point:
        return None
    try:
        at = datetime.fromisoformat(str(point["x"]).replace(" ", "T").replace("Z", "+00:00"))
    except (KeyError, ValueError):
        return None
    return at if at.tzinfo else at.replace(tzinfo=UTC)  # figures show UTC


def table(rows: list[dict[str, Any]], caption: str) -> html.Div:
    if not rows:
        return html.Div([html.P(caption), html.P("No runs.", className="muted")])
    return html.Div([html.P(caption), html.Table([
        html.Thead(html.Tr([html.Th(h) for h in ("When (UTC)", "App", "Version", "Source", "Status", "Latency",
                                                   "Tokens", "Cost", "")])),
        html.Tbody([html.Tr([
            html.Td(f"{r['created_at']:%Y-%m-%d %H:%M:%S}"), html.Td(r["app__name"] or "—"),
            html.Td(f"v{r['version__number']}" if r["version__number"] else "—"), html.Td(r["source"]),
            html.Td(r["status"] + (f" ({r['error_code']})" if r["error_code"] else ""),
                    className="bad" if r["status"] != "succeeded" else ""),
            html.Td(figures.ms(r["latency_ms"])), html.Td(f"{r['tokens_in']:,} / {r['tokens_out']:,}"),
            html.Td(figures.money(r["cost"])),
            html.Td(html.A("Trace →", href=f"/app/runs/{r['id']}", className="run-link")),
        ]) for r in rows]),
    ], className="table")])


def register(app: Dash, page: str, *, graphs: list[str], error_graph: str | None = None) -> None:
    inputs = [Input(graph, "clickData") for graph in graphs]
    if error_graph:
        inputs.append(Input(error_graph, "clickData"))

    @app.callback(Output(f"{page}-runs", "children"), *inputs,
                  *[Input(f"f-{name}", "value") for name in filters.FILTERS], prevent_initial_call=True)
    def runs_behind(*args: Any) -> Any:
        clicks = args[:len(inputs)]
        values = dict(zip(filters.FILTERS, args[len(inputs):], strict=True))
        trigger = ctx.triggered_id
        if trigger not in [*graphs, error_graph]:
            raise PreventUpdate  # a filter changed: the old list no longer matches; keep it until a click
        scope = filters.scope_of(request_workspace_id(), values)
        if trigger == error_graph:
            code = first_point(clicks[-1]).get("customdata") or ""
            code = code[0] if isinstance(code, list) and code else code
            if not isinstance(code, str) or len(code) > 64:
                raise PreventUpdate
            rows = selectors.runs_behind(scope, error_code=code)
            return table(rows, f"Latest runs that failed with {code or 'no code'} in the range:")
        bucket = bucket_of(clicks[graphs.index(trigger)])
        if bucket is None:
            raise PreventUpdate
        start = selectors.bucket_start(bucket, scope.grain)
        step = selectors.bucket_step(scope.grain)
        narrowed = replace(scope, since=start, until=start + step)
        rows = selectors.runs_behind(narrowed)
        return table(rows, f"Latest runs from {start:%Y-%m-%d %H:%M} to {start + step:%H:%M} UTC:")
