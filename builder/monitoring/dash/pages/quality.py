"""Quality: feedback rate and share positive over time per version, reviewers' annotation scores by
config, experiments' good-result ratio and each evaluator's pass rate per version, and two (or
more) versions side by side on live traffic with 95 % intervals — the arms of an A/B split, with
the winner one click from promotion."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import plotly.graph_objects as go
from dash import ALL, Dash, Input, Output, State, ctx, dcc, html
from dash.exceptions import PreventUpdate

from builder.monitoring import selectors
from builder.monitoring.dash import figures, filters, runs_table, splits
from builder.monitoring.dash.server import request_role, request_user_id, request_workspace_id


def layout() -> html.Div:
    return html.Div([
        html.Div(id="quality-kpis", className="kpis"),
        html.Section([
            html.H2("Versions side by side"),
            html.P("Live traffic of each version in the range, with 95 % intervals. A split label's arms are "
                   "compared by default.", className="muted"),
            dcc.Dropdown(id="quality-compare", multi=True, placeholder="Pick two or more versions",
                         className="compare-input"),
            html.Div(id="quality-compare-table"),
            dcc.Graph(id="quality-compare-figure", config=figures.GRAPH_CONFIG),
            html.Div(id="quality-promote"),
            html.Div(id="quality-promote-note", role="status", className="note"),
        ], className="card"),
        html.Div([
            dcc.Graph(id="quality-feedback", config=figures.GRAPH_CONFIG),
            dcc.Graph(id="quality-scores", config=figures.GRAPH_CONFIG),
        ], className="grid-2"),
        html.Div([
            dcc.Graph(id="quality-good-ratio", config=figures.GRAPH_CONFIG),
            dcc.Graph(id="quality-evaluators", config=figures.GRAPH_CONFIG),
        ], className="grid-2"),
        runs_table.panel("quality"),
    ])


MAX_COMPARED = 6


def _ids(value: Any) -> list[int]:
    """The version ids a picker sent (nothing of another kind)."""
    if not isinstance(value, list):
        return []
    return [i for i in (filters.an_id(v) for v in value) if i is not None]


def register(app: Dash) -> None:
    @app.callback(
        Output("quality-kpis", "children"), Output("quality-feedback", "figure"), Output("quality-scores", "figure"),
        Output("quality-good-ratio", "figure"), Output("quality-compare", "options"),
        Output("quality-compare", "value"),
        *[Input(f"f-{name}", "value") for name in filters.FILTERS], Input("theme", "data"),
        State("quality-compare", "value"))
    def quality_page(*args: Any) -> tuple[Any, ...]:
        *values, theme, chosen = args
        workspace_id = request_workspace_id()
        scope = filters.scope_of(workspace_id, dict(zip(filters.FILTERS, values, strict=True)))
        names = filters.names(workspace_id)["version"]
        fb = selectors.feedback(scope)
        scores = selectors.annotation_scores(scope)
        kpis = [
            figures.kpi("Feedback rate", figures.percent(fb["rate"]), f"{figures.number(fb['feedback'])} feedback"),
            figures.kpi("Share positive", figures.percent(fb["positive_share"]),
                        f"{figures.number(fb['positive'])} up · {figures.number(fb['negative'])} down"),
            figures.kpi("Reviewed scores", figures.number(sum(s["n"] for s in scores)),
                        f"{len(scores)} score configs"),
        ]
        per_version: dict[int, list[tuple[Any, float]]] = defaultdict(list)
        for row in selectors.feedback_series(scope):
            rated = row["positive"] + row["negative"]
            if rated:
                per_version[row["version_id"]].append((row["bucket"], row["positive"] / rated))
        if per_version:
            feedback_fig = go.Figure([go.Scatter(name=names.get(v, f"#{v}"), x=[b for b, _ in pts],
                                                 y=[s for _, s in pts], mode="lines+markers")
                                      for v, pts in per_version.items()])
            feedback_fig.update_yaxes(tickformat=".0%", range=[0, 1.05])
            feedback_fig = figures.styled(feedback_fig, theme, title="Share of positive ratings per version",
                                          window=scope)
        else:
            feedback_fig = figures.empty(theme, "Share of positive ratings", "No ratings in this range.")
        if scores:
            scores_fig = go.Figure(go.Bar(x=[s["name"] for s in scores], y=[s["mean"] for s in scores],
                                          customdata=[[s["n"], figures.score(s)] for s in scores],
                                          hovertemplate="%{x}: %{customdata[1]} (n = %{customdata[0]})<extra></extra>"))
            scores_fig.update_yaxes(range=[0, None])
            scores_fig = figures.styled(scores_fig, theme, title="Scores: mean, or share of yes / first option")
        else:
            scores_fig = figures.empty(theme, "Annotation scores", "No reviewed runs in this range.")
        experiments = selectors.good_result_ratios(workspace_id, app_id=scope.app_id, since=scope.since,
                                                   until=scope.until)
        if experiments:
            per: dict[str, list[dict[str, Any]]] = defaultdict(list)
            for row in experiments:
                if row["judged"]:
                    per[f"v{row['version']}"].append(row)
            good = go.Figure([go.Scatter(name=v, x=[r["finished_at"] for r in rows],
                                         y=[r["passed"] / r["judged"] for r in rows], mode="markers+lines",
                                         text=[r["experiment"] for r in rows],
                                         hovertemplate="%{text}: %{y:.0%}<extra>" + v + "</extra>")
                              for v, rows in per.items()])
            good.update_yaxes(tickformat=".0%", range=[0, 1.05])
            good = figures.styled(good, theme, title="Good-result ratio per version (experiments)", window=scope)
        else:
            good = figures.empty(theme, "Good-result ratio per version", "No experiments of app versions in range.")
        traffic = [r for r in selectors.breakdown(scope, "version") if r["key"]]
        options = [{"label": f"{names.get(r['key'], '#' + str(r['key']))} ({r['runs']:,} runs)", "value": r["key"]}
                   for r in traffic]
        offered = {o["value"] for o in options}
        keep = [v for v in _ids(chosen) if v in offered]
        default = keep if len(keep) >= 2 else splits.default_arms(scope, [r["key"] for r in traffic])
        return kpis, feedback_fig, scores_fig, good, options, default

    @app.callback(
        Output("quality-compare-table", "children"), Output("quality-compare-figure", "figure"),
        Output("quality-promote", "children"),
        Input("quality-compare", "value"), *[Input(f"f-{name}", "value") for name in filters.FILTERS],
        Input("theme", "data"))
    def compare(picked: Any, *args: Any) -> tuple[Any, ...]:
        *values, theme = args
        chosen = _ids(picked)[:MAX_COMPARED]
        workspace_id = request_workspace_id()
        scope = filters.scope_of(workspace_id, dict(zip(filters.FILTERS, values, strict=True)))
        if not chosen:
            return (html.P("Pick versions with traffic in this range to compare them.", className="muted"),
                    figures.empty(theme, "Versions compared", "Nothing picked."), None)
        names = filters.names(workspace_id)["version"]
        arms = selectors.versions_compared(scope, chosen)
        config_names = sorted({s["name"] for a in arms for s in a["scores"]})
        header = ["Version", "Runs", "Error rate (95 % CI)", "Share positive (95 % CI)", "p50", "p95",
                  "Cost per run", *config_names]
        body = []
        for arm in arms:
            by_name = {s["name"]: s for s in arm["scores"]}
            body.append(html.Tr([
                html.Td(names.get(arm["version_id"], f"#{arm['version_id']}")), html.Td(figures.number(arm["runs"])),
                html.Td(figures.interval(arm["error_rate"])), html.Td(figures.interval(arm["positive_share"])),
                html.Td(figures.ms(arm["p50"])), html.Td(figures.ms(arm["p95"])),
                html.Td(figures.money(arm["cost_per_run"])),
                *[html.Td(f"{figures.score(by_name[n])} (n = {by_name[n]['n']})" if n in by_name else "—")
                  for n in config_names],
            ]))
        table = html.Table([html.Thead(html.Tr([html.Th(h) for h in header])), html.Tbody(body)],
                           className="table compare-table")
        fig = go.Figure()
        for metric, label in (("positive_share", "share positive"), ("error_rate", "error rate")):
            shown = [a for a in arms if a[metric]["value"] is not None]
            fig.add_trace(go.Bar(
                name=label, x=[names.get(a["version_id"], f"#{a['version_id']}") for a in shown],
                y=[a[metric]["value"] for a in shown],
                error_y={"type": "data", "symmetric": False,
                         "array": [a[metric]["high"] - a[metric]["value"] for a in shown],
                         "arrayminus": [a[metric]["value"] - a[metric]["low"] for a in shown]}))
        fig.update_layout(barmode="group")
        fig.update_yaxes(tickformat=".0%", range=[0, 1.05])
        fig = figures.styled(fig, theme, title="Share positive and error rate with 95 % intervals")
        return table, fig, splits.promote_controls(scope, arms, names, can_promote=request_role() in ("owner",
                                                                                                        "builder"))

    @app.callback(Output("quality-promote-note", "children"),
                  Input({"type": "promote", "version": ALL, "label": ALL}, "n_clicks"),
                  prevent_initial_call=True)
    def promote(clicks: Any) -> str:
        trigger = ctx.triggered_id
        if not isinstance(clicks, list) or not any(clicks) or not isinstance(trigger, dict):
            raise PreventUpdate
        version_id, label = filters.an_id(trigger.get("version")), filters.a_text(trigger.get("label"))
        if version_id is None or label is None:
            raise PreventUpdate
        if request_role() not in ("owner", "builder"):
            return "Your role does not allow promoting a version."
        return splits.promote(workspace_id=request_workspace_id(), user_id=request_user_id(),
                              version_id=version_id, label=label)

    @app.callback(Output("quality-evaluators", "figure"),
                  *[Input(f"f-{name}", "value") for name in filters.FILTERS], Input("theme", "data"))
    def evaluator_pass_rates(*args: Any) -> go.Figure:
        *values, theme = args
        workspace_id = request_workspace_id()
        scope = filters.scope_of(workspace_id, dict(zip(filters.FILTERS, values, strict=True)))
        rows = [r for r in selectors.evaluator_pass_rates(workspace_id, app_id=scope.app_id, since=scope.since,
                                                           until=scope.until) if r["judged"]]
        title = "Evaluator pass rates per version (experiments)"
        if not rows:
            return figures.empty(theme, title, "No judged experiment cells of app versions in range.")
        apps = filters.names(workspace_id)["app"]
        per: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for row in rows:
            per[f"{apps.get(row['app_id'], '')} v{row['version']}".strip()].append(row)
        fig = go.Figure([go.Bar(name=version, x=[r["evaluator"] for r in version_rows],
                                y=[r["passed"] / r["judged"] for r in version_rows],
                                customdata=[[r["passed"], r["judged"]] for r in version_rows],
                                hovertemplate="%{x}: %{y:.0%} (%{customdata[0]} of %{customdata[1]})<extra>"
                                              + version + "</extra>")
                         for version, version_rows in per.items()])
        fig.update_layout(barmode="group")
        fig.update_yaxes(tickformat=".0%", range=[0, 1.05])
        return figures.styled(fig, theme, title=title)

    runs_table.register(app, "quality", graphs=["quality-feedback"])
