"""The frame around every monitoring page: the header with the page links and the way back to the
app, the shared filters, and the router that shows the page the URL names.

The layout is built per request (``_dash-layout`` passes the workspace check like every Dash
route), so the filters' choices are the workspace's own. Filters live in the query string: the
URL sets them when a page opens, and the page links carry them along."""

from __future__ import annotations

from typing import Any

from dash import Dash, Input, Output, State, dcc, html
from dash.exceptions import PreventUpdate

from builder.monitoring.dash import filters
from builder.monitoring.dash.pages import cost, performance, quality
from builder.monitoring.dash.server import PREFIX, request_workspace_id

PAGES = {"cost": cost, "performance": performance, "quality": quality}
TITLES = {"cost": "Cost", "performance": "Performance", "quality": "Quality"}
FILTER_IDS = [f"f-{name}" for name in filters.FILTERS]
FILTER_LABELS = {"range": "Time", "app": "App", "version": "Version", "label": "Label", "model": "Model",
                 "key": "API key", "source": "Source"}


def page_of(pathname: Any) -> str:
    last = (pathname if isinstance(pathname, str) else "").rstrip("/").rsplit("/", 1)[-1]
    return last if last in PAGES else "cost"


def filter_inputs() -> list[Input]:
    return [Input(fid, "value") for fid in FILTER_IDS]


def filter_values(values: tuple[Any, ...] | list[Any]) -> dict[str, Any]:
    return dict(zip(filters.FILTERS, values, strict=True))


def layout() -> html.Div:
    workspace_id = request_workspace_id()
    base = f"{PREFIX}w/{workspace_id}/"
    choices = filters.options(workspace_id, None)
    bar = []
    for name in filters.FILTERS:
        bar.append(html.Label([
            html.Span(FILTER_LABELS[name], className="filter-label"),
            dcc.Dropdown(id=f"f-{name}", options=choices[name], clearable=name != "range",
                         value=filters.DEFAULT_RANGE if name == "range" else None,
                         placeholder="All", searchable=name not in ("range", "source"), className="filter-input"),
        ], className="filter"))
    return html.Div([
        dcc.Location(id="url", refresh="callback-nav"),
        dcc.Store(id="theme"),
        html.Header([
            html.A("← LLMOps Studio", href="/app/", className="back", title="Back to the app"),
            html.H1("Monitoring"),
            html.Nav([dcc.Link(TITLES[p], id=f"nav-{p}", href=base + p, className="nav-link") for p in PAGES],
                     className="pages", **{"aria-label": "Monitoring pages"}),
            html.A("Runs", href="/app/runs", className="header-link"),
            html.A("Alerts", href="/app/alerts", className="header-link"),
        ], className="top"),
        html.Section(bar, className="filters", **{"aria-label": "Filters"}),
        html.Main(id="page", className="page"),
    ], className="shell")


def register(app: Dash) -> None:
    app.clientside_callback(
        "function(_) { return document.documentElement.dataset.theme || 'light'; }",
        Output("theme", "data"), Input("url", "pathname"))

    @app.callback([Output(fid, "value") for fid in FILTER_IDS], Input("url", "search"),
                  [State(fid, "value") for fid in FILTER_IDS])
    def filters_from_url(search: str | None, *current: Any) -> list[Any]:
        wanted = filters.from_query(search)
        values = [wanted[name] for name in filters.FILTERS]
        if list(current) == values:
            raise PreventUpdate
        return values

    @app.callback(Output("f-version", "options"), Input("f-app", "value"))
    def version_options(app_id: Any) -> list[dict[str, Any]]:
        app_id = filters.an_id(app_id)
        return filters.options(request_workspace_id(), app_id)["version"] if app_id else []

    @app.callback([Output(f"nav-{p}", "href") for p in PAGES] + [Output(f"nav-{p}", "className") for p in PAGES],
                  Input("url", "pathname"), *filter_inputs())
    def page_links(pathname: str | None, *values: Any) -> list[str]:
        query = filters.to_query(filter_values(values))
        base = f"{PREFIX}w/{request_workspace_id()}/"
        current = page_of(pathname)
        return ([base + p + query for p in PAGES]
                + ["nav-link active" if p == current else "nav-link" for p in PAGES])

    @app.callback(Output("page", "children"), Input("url", "pathname"))
    def route(pathname: str | None) -> Any:
        return PAGES[page_of(pathname)].layout()

    for page in PAGES.values():
        page.register(app)
