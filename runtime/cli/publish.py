"""``llmops publish``: headless publishing through a running platform's REST API — validate the
file locally, put it into the app's draft (creating the app when needed), publish it as a new
version on the production label, and optionally point another label at it.

Authenticates with a personal access token (``LLMOPS_TOKEN``, made at /api/tokens/)."""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import Any

import httpx

from runtime.cli.commands import EXIT_FAILED, EXIT_OK, EXIT_USAGE, err, format_issues
from runtime.cli.source import UsageProblem, load_spec
from runtime.registry import default_registry
from runtime.validation import analyse

TOKEN_VARIABLE = "LLMOPS_TOKEN"


class PublishFailed(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _issue_lines(details: Any) -> str:
    """The issues a refusal lists (``app_invalid``: what the platform says the app needs, e.g. a
    model it does not have), one line each: the local check cannot know the platform's models."""
    issues = details.get("issues") if isinstance(details, dict) else None
    if not isinstance(issues, list):
        return ""
    lines = []
    for issue in issues:
        if isinstance(issue, dict):
            where = ", ".join(f"{k.removesuffix('_id')} {issue[k]}" for k in ("node_id", "field") if issue.get(k))
            lines.append(f"\n  {issue.get('code')}  {where or 'app'}  {issue.get('message')}")
    return "".join(lines)


class Platform:
    """The few REST calls publishing needs, with the platform's error shape turned into messages."""

    def __init__(self, server: str, token: str, workspace: int):
        self.base = f"{server.rstrip('/')}/api/workspaces/{workspace}"
        self.http = httpx.Client(headers={"Authorization": f"Bearer {token}"}, timeout=60)

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        try:
            response = self.http.request(method, self.base + path, **kwargs)
        except httpx.HTTPError as exc:
            raise PublishFailed(f"cannot reach the platform: {exc}") from None
        if response.status_code >= 400:
            try:
                error = response.json()["error"]
                detail = f"[{error['code']}] {error['message']}" + _issue_lines(error.get("details"))
            except (ValueError, KeyError, TypeError):
                detail = f"HTTP {response.status_code}"
            raise PublishFailed(f"{method} {path}: {detail}")
        return response.json() if response.content else None

    def app_id(self, *, app: int | None, name: str) -> int | None:
        if app is not None:
            return app
        found = self.call("GET", "/apps/", params={"search": name, "limit": 500})["results"]
        return next((a["id"] for a in found if a["name"] == name), None)


def cmd_publish(args: argparse.Namespace) -> int:
    token = os.environ.get(TOKEN_VARIABLE, "")
    if not token:
        err(f"error: set {TOKEN_VARIABLE} to a personal access token (create one at /api/tokens/)")
        return EXIT_USAGE
    try:
        spec = load_spec(args.file)
    except UsageProblem as exc:
        err(f"error: {exc.message}")
        return EXIT_USAGE
    issues = analyse(spec, default_registry()).issues
    if issues:
        print(format_issues(args.file, issues))
        err("not published: fix the issues above first")
        return EXIT_FAILED
    name = args.name or spec.name or Path(args.file).stem
    platform = Platform(args.server, token, args.workspace)
    try:
        state = _publish(platform, spec.to_dict(), name, args)
    except PublishFailed as exc:
        err(f"error: {exc.message}")
        return EXIT_FAILED
    print(f"published {name!r} as version {state['version']} ({', '.join(state['labels'])})")
    print(f"endpoint: {state['endpoint']}")
    return EXIT_OK


def _publish(platform: Platform, graph: dict[str, Any], name: str, args: argparse.Namespace) -> dict[str, Any]:
    app_id = platform.app_id(app=args.app, name=name)
    if app_id is None:
        created = platform.call("POST", "/apps/import/", json={"content": json.dumps(graph), "filename": "app.json",
                                                               "name": name})
        app_id = created["app"]["id"]
    else:
        draft = platform.call("GET", f"/apps/{app_id}/draft/")
        platform.call("PUT", f"/apps/{app_id}/draft/", json={"graph": graph, "revision": draft["revision"]})
    platform.call("POST", f"/apps/{app_id}/publish/", json={"message": args.message})
    versions = platform.call("GET", f"/apps/{app_id}/versions/", params={"limit": 1})["results"]
    version = versions[0]["number"]
    labels = ["production"]
    if args.label and args.label != "production":
        platform.call("PUT", f"/apps/{app_id}/labels/{args.label}/", json={"version": version})
        labels.append(args.label)
    endpoint = platform.call("GET", f"/apps/{app_id}/publish/endpoint/")
    return {"version": version, "labels": labels, "endpoint": endpoint["run_url"]}
