"""Calling the monitoring pages' Dash routes as the browser's Dash renderer does."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client


def base(workspace_id: int) -> str:
    return f"/monitoring/w/{workspace_id}/"


def dash_config(page) -> dict[str, Any]:
    """The renderer's configuration that a page carries (where its callbacks go, the CSRF cookie)."""
    html = page.content.decode()
    start = html.index('<script id="_dash-config" type="application/json">')
    start = html.index(">", start) + 1
    return json.loads(html[start:html.index("</script>", start)])


def dependencies(client: Client, workspace_id: int) -> list[dict[str, Any]]:
    response = client.get(base(workspace_id) + "_dash-dependencies")
    assert response.status_code == 200, response.content[:300]
    return response.json()


def update(client: Client, workspace_id: int, output: str, values: dict[str, Any], *,
           changed: list[str] | None = None, **headers: str):
    """POST ``_dash-update-component`` for the callback whose output names ``output`` (e.g.
    ``perf-kpis.children``), its inputs and states taken from ``values`` (by component id; None
    when absent), as if ``changed`` (component ids; default: every input) had just changed.
    Returns the response."""
    callback = next(c for c in dependencies(client, workspace_id) if output in c["output"])

    def items(kind: str) -> list[dict[str, Any]]:
        return [{"id": i["id"], "property": i["property"], "value": values.get(i["id"])} for i in callback[kind]]

    outputs = [{"id": part.split(".")[0], "property": part.split(".")[1]}
               for part in callback["output"].strip(".").split("...")]
    body = {"output": callback["output"], "outputs": outputs if len(outputs) > 1 else outputs[0],
            "inputs": items("inputs"), "state": items("state"),
            "changedPropIds": [f"{i['id']}.{i['property']}" for i in callback["inputs"]
                               if changed is None or i["id"] in changed]}
    return client.post(base(workspace_id) + "_dash-update-component", data=json.dumps(body),
                       content_type="application/json", **headers)


def texts(node: Any) -> list[str]:
    """Every string in a rendered component tree (its visible text, roughly)."""
    out: list[str] = []
    if isinstance(node, str):
        out.append(node)
    elif isinstance(node, list):
        for child in node:
            out += texts(child)
    elif isinstance(node, dict):
        out += texts(node.get("props", {}).get("children"))
    return out
