"""The one Dash app of the monitoring pages and how Django serves it.

Dash is a Flask (WSGI) app. It is not mounted beside Django: each request reaches it through a
Django view (:mod:`builder.monitoring.views`), so Django's session login, CSRF check and the
workspace membership check stand in front of every Dash route (``_dash-layout``,
``_dash-dependencies``, ``_dash-update-component``, the component bundles). The view turns the
Django request into a WSGI environ (werkzeug's ``EnvironBuilder``), with the workspace the URL
names and the signed-in user added, and Dash's answer into a Django response.

Browsers see ``/monitoring/w/<workspace>/<page>``; the view strips ``w/<workspace>/`` before Dash
sees the path, and Dash's renderer is told to send its requests back under the workspace's
prefix, so every callback request names — and is checked against — a workspace. Callbacks read
the workspace from the request (:func:`request_workspace_id`), never from the browser's inputs."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import flask
from dash import Dash
from django.conf import settings
from werkzeug.test import EnvironBuilder, run_wsgi_app

PREFIX = "/monitoring/"
ASSETS = Path(__file__).resolve().parent.parent / "assets"
WORKSPACE_KEY = "llmops.workspace_id"
USER_KEY = "llmops.user_id"
ROLE_KEY = "llmops.role"

_INDEX = """<!DOCTYPE html>
<html lang="en">
<head>
{%metas%}<title>{%title%}</title>{%favicon%}
<script>
  (function () {
    var theme = null;
    try { theme = window.localStorage.getItem('llmops.theme'); } catch (e) {}
    if (theme !== 'light' && theme !== 'dark') {
      theme = window.matchMedia && window.matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
    }
    document.documentElement.dataset.theme = theme;
  })();
</script>
{%css%}
</head>
<body>
{%app_entry%}
<footer>{%config%}{%scripts%}{%renderer%}</footer>
</body>
</html>"""


class MonitoringDash(Dash):
    """Dash with a renderer that sends each page's requests under its workspace's prefix."""

    def _config(self) -> dict[str, Any]:
        config: dict[str, Any] = super()._config()
        workspace_id = flask.request.environ.get(WORKSPACE_KEY)
        if workspace_id is not None:
            config["requests_pathname_prefix"] = f"{PREFIX}w/{workspace_id}/"
        return config


def request_workspace_id() -> int:
    """The workspace of the request a callback answers (checked by the Django view)."""
    return int(flask.request.environ[WORKSPACE_KEY])


def request_user_id() -> int:
    return int(flask.request.environ[USER_KEY])


def request_role() -> str:
    return str(flask.request.environ[ROLE_KEY])


_app: MonitoringDash | None = None
_lock = threading.Lock()


def dash_app() -> MonitoringDash:
    """The app, built on first use (its pages register their callbacks once per process)."""
    global _app
    if _app is None:
        with _lock:
            if _app is None:
                _app = _build()
    return _app


def _build() -> MonitoringDash:
    from builder.monitoring.dash import shell

    app = MonitoringDash(
        __name__, server=flask.Flask(__name__), routes_pathname_prefix=PREFIX, requests_pathname_prefix=PREFIX,
        assets_folder=str(ASSETS), serve_locally=True, title="Monitoring · LLMOps Studio",
        suppress_callback_exceptions=True, update_title=None,
        # Callbacks read the database through Django's ORM: they run as plain functions (Dash's
        # async dispatch would run them inside an event loop, where the ORM refuses to work).
        use_async=False,
        csrf_token_name=settings.CSRF_COOKIE_NAME, csrf_header_name="X-CSRFToken",
    )
    app.index_string = _INDEX
    app.layout = shell.layout
    shell.register(app)
    return app


def call(*, method: str, path: str, query: str, headers: dict[str, str], body: bytes,
         extra: dict[str, Any]) -> tuple[int, list[tuple[str, str]], bytes]:
    """One request to the Dash app: (status, headers, body). ``path`` is under :data:`PREFIX`."""
    builder = EnvironBuilder(path=PREFIX + path, method=method, query_string=query, headers=headers, data=body)
    try:
        environ = builder.get_environ()
    finally:
        builder.close()
    environ.update(extra)
    app_iter, status, response_headers = run_wsgi_app(dash_app().server, environ, buffered=True)
    try:
        content = b"".join(app_iter)
    finally:
        close = getattr(app_iter, "close", None)
        if close is not None:
            close()
    return int(status.split(" ", 1)[0]), list(response_headers.items()), content
