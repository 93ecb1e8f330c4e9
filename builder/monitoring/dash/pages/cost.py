"""Cost: tokens and cost over time, what each app, version, model, API key and end user costs, and
this month against the workspace's budget with a projection to the month's end."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

import plotly.graph_objects as go
from dash import Dash, Input, Output, State, ctx, dcc, html

from builder.monitoring import selectors, services
from builder.monitoring.dash import figures, filters, runs_table
from builder.monitoring.dash.server import request_role, request_user_id, request_workspace_id

BREAKDOWN_CHOICES = [("app", "App"), ("version", "Version"), ("model", "Model"), ("api_key", "API key"),
                     ("label", "Label"), ("source", "Source")]


def layout() -> html.Div:
    return html.Div([
        html.Div(id="cost-kpis", className="kpis"),
        html.Div([
            dcc.Graph(id="cost-over-time", config=figures.GRAPH_CONFIG),
            dcc.Graph(id="cost-tokens", config=figures.GRAPH_CONFIG),
        ], className="grid-2"),
        html.Div([
            html.Div([
                dcc.Graph(id="cost-month", config=figures.GRAPH_CONFIG),
                html.Div([
                    html.Label(["Monthly budget (USD) ", dcc.Input(id="cost-budget", type="number", min=0,
                                                                    step="any", className="budget-input")]),
                    html.Button("Save budget", id="cost-budget-save", className="button"),
                    html.Button("Remove", id="cost-budget-remove", className="button secondary"),
                    html.Span(id="cost-budget-note", className="note", role="status"),
                ], className="budget"),
            ], className="card"),
            html.Div([
                html.Label(["Break down by ", dcc.Dropdown(id="cost-by", options=[
                    {"label": text, "value": value} for value, text in BREAKDOWN_CHOICES], value="app",
                    clearable=False, className="inline-dropdown")], className="breakdown-choice"),
                dcc.Graph(id="cost-breakdown", config=figures.GRAPH_CONFIG),
            ], className="card"),
        ], className="grid-2"),
        html.Div([html.H2("Top end users"), html.Div(id="cost-users")], className="card"),
        runs_table.panel("cost"),
    ])


def _series_by_app(scope: selectors.Scope, names: dict[int, str]) -> dict[str, list[tuple[Any, float]]]:
    per: dict[str, list[tuple[Any, float]]] = defaultdict(list)
    for app_id in [row["key"] for row in selectors.breakdown(scope, "app")][:8]:
        for row in selectors.series(replace(scope, app_id=app_id)):
            per[names.get(app_id, f"app {app_id}")].append((row["bucket"], row["cost"]))
    return per


def register(app: Dash) -> None:
    @app.callback(
        Output("cost-kpis", "children"), Output("cost-over-time", "figure"), Output("cost-tokens", "figure"),
        Output("cost-month", "figure"), Output("cost-users", "children"), Output("cost-budget", "value"),
        Output("cost-budget", "disabled"), Output("cost-budget-save", "disabled"),
        Output("cost-budget-remove", "disabled"),
        *[Input(f"f-{name}", "value") for name in filters.FILTERS], Input("theme", "data"),
        Input("cost-budget-note", "children"))
    def cost_page(*args: Any) -> tuple[Any, ...]:
        *values, theme, _ = args
        workspace_id = request_workspace_id()
        scope = filters.scope_of(workspace_id, dict(zip(filters.FILTERS, values, strict=True)))
        names = filters.names(workspace_id)
        totals = selectors.totals(scope)
        month = selectors.budget_projection(workspace_id, app_id=scope.app_id)
        budget_note = "no budget set"
        if month["budget"] is not None:
            budget_note = (f"budget {figures.money(month['budget'])} · exceeded on {month['exceeds_on']:%b %d}"
                           if month["exceeds_on"] else f"budget {figures.money(month['budget'])} · within budget")
        kpis = [
            figures.kpi("Cost in range", figures.money(totals["cost"]), f"{figures.number(totals['runs'])} runs"),
            figures.kpi("Tokens in / out", f"{figures.number(totals['tokens_in'])} / "
                        f"{figures.number(totals['tokens_out'])}"),
            figures.kpi("This month so far", figures.money(month["spent"]),
                        f"{figures.money(month['per_day'])} a day lately"),
            figures.kpi("Projected month end", figures.money(month["projected"]), budget_note,
                        tone="bad" if month["exceeds_on"] else ""),
        ]
        per_app = _series_by_app(scope, names["app"])
        if per_app:
            over_time = go.Figure([go.Bar(name=name, x=[b for b, _ in points], y=[c for _, c in points],
                                          hovertemplate="%{y:$.4f}") for name, points in per_app.items()])
            over_time.update_layout(barmode="stack", clickmode="event")
            over_time = figures.styled(over_time, theme, title=f"Cost per {_grain_word(scope)} by app",
                                       y_title="USD", window=scope)
        else:
            over_time = figures.empty(theme, "Cost over time")
        rows = selectors.series(scope)
        if rows:
            tokens = go.Figure([
                go.Bar(name="tokens in", x=[r["bucket"] for r in rows], y=[r["tokens_in"] for r in rows]),
                go.Bar(name="tokens out", x=[r["bucket"] for r in rows], y=[r["tokens_out"] for r in rows]),
            ])
            tokens.update_layout(barmode="stack")
            tokens = figures.styled(tokens, theme, title=f"Tokens per {_grain_word(scope)}", y_title="tokens",
                                    window=scope)
        else:
            tokens = figures.empty(theme, "Tokens over time")
        users = selectors.end_users(scope)
        table = html.Table([
            html.Thead(html.Tr([html.Th("End user"), html.Th("Runs"), html.Th("Tokens in"), html.Th("Tokens out"),
                                html.Th("Cost")])),
            html.Tbody([html.Tr([html.Td(u["end_user"]), html.Td(figures.number(u["runs"])),
                                 html.Td(figures.number(u["tokens_in"])), html.Td(figures.number(u["tokens_out"])),
                                 html.Td(figures.money(u["cost"]))]) for u in users]),
        ], className="table") if users else html.P("No calls named an end user (the `user` field) in this range.",
                                                  className="muted")
        can_edit = request_role() == "owner"
        return (kpis, over_time, tokens, _month_figure(month, theme), table, month["budget"], not can_edit,
                not can_edit, not can_edit or month["budget"] is None)

    @app.callback(Output("cost-breakdown", "figure"), Input("cost-by", "value"),
                  *[Input(f"f-{name}", "value") for name in filters.FILTERS], Input("theme", "data"))
    def cost_breakdown(by: Any, *args: Any) -> go.Figure:
        *values, theme = args
        if not isinstance(by, str) or by not in dict(BREAKDOWN_CHOICES):
            by = "app"
        workspace_id = request_workspace_id()
        scope = filters.scope_of(workspace_id, dict(zip(filters.FILTERS, values, strict=True)))
        rows = selectors.breakdown(scope, by)[:15]
        title = f"Cost by {dict(BREAKDOWN_CHOICES)[by].lower()}"
        if not rows:
            return figures.empty(theme, title)
        names = filters.names(workspace_id).get(by, {})
        labels = [_label(by, row["key"], names) for row in rows]
        fig = go.Figure(go.Bar(x=[r["cost"] for r in rows][::-1], y=labels[::-1], orientation="h",
                               customdata=[[r["runs"], r["tokens_in"], r["tokens_out"]] for r in rows][::-1],
                               hovertemplate="%{y}: %{x:$.4f}<br>%{customdata[0]:,} runs · %{customdata[1]:,} in / "
                                             "%{customdata[2]:,} out<extra></extra>"))
        return figures.styled(fig, theme, title=title, height=320)

    @app.callback(Output("cost-budget-note", "children"), Input("cost-budget-save", "n_clicks"),
                  Input("cost-budget-remove", "n_clicks"), State("cost-budget", "value"), prevent_initial_call=True)
    def save_budget(_save: int | None, _remove: int | None, value: Any) -> str:
        if request_role() != "owner":
            return "Only owners set the budget."
        if ctx.triggered_id == "cost-budget-remove":
            services.budget_set(workspace_id=request_workspace_id(), monthly=None, user_id=request_user_id())
            return "Budget removed."
        if value in (None, ""):  # also what the browser sends for text that is not a number
            return "Enter the monthly budget in USD, such as 250."
        try:
            monthly = Decimal(str(value)).quantize(Decimal("0.01"))
        except InvalidOperation:
            return "A budget is an amount in USD, such as 250."
        if not monthly.is_finite() or not Decimal(0) <= monthly < services.BUDGET_LIMIT:
            return f"A budget is between $0 and {figures.money(float(services.BUDGET_LIMIT))} a month."
        services.budget_set(workspace_id=request_workspace_id(), monthly=monthly, user_id=request_user_id())
        return f"Budget saved: {figures.money(float(monthly))} a month."

    runs_table.register(app, "cost", graphs=["cost-over-time", "cost-tokens"])


def _grain_word(scope: selectors.Scope) -> str:
    return {"m": "minute", "h": "hour", "d": "day"}[scope.grain]


def _label(by: str, key: Any, names: dict[int, str]) -> str:
    if by in ("app", "version", "api_key"):
        return names.get(key, "none" if not key else f"#{key} (deleted)")
    if by == "source":
        return {"api": "API", "chat": "Chat completions", "web": "Web chat"}.get(key, key)
    return key or "(none)"


def _month_figure(month: dict[str, Any], theme: str | None) -> go.Figure:
    c = figures.colors(theme)
    days = dict(month["days"])
    day, running, xs, ys = month["month_start"], 0.0, [], []
    while day <= month["today"]:
        running += days.get(day, 0.0)
        xs.append(day)
        ys.append(running)
        day += timedelta(days=1)
    fig = go.Figure(go.Scatter(name="spent", x=xs, y=ys, mode="lines+markers", line={"color": c["accent"]}))
    fig.add_trace(go.Scatter(name="projection", x=[month["today"], month["month_end"]],
                             y=[month["spent"], month["projected"]], mode="lines",
                             line={"dash": "dash", "color": c["warn"]}))
    if month["budget"] is not None:
        fig.add_trace(go.Scatter(name="budget", x=[month["month_start"], month["month_end"]],
                                 y=[month["budget"], month["budget"]], mode="lines",
                                 line={"dash": "dot", "color": c["error"]}))
    if month["exceeds_on"] is not None:
        fig.add_vline(x=month["exceeds_on"].isoformat(), line_dash="dot", line_color=c["error"])
    return figures.styled(fig, theme, title="This month: spent and projected", y_title="USD")
