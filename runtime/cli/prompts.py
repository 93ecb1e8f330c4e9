"""``llmops prompt``: the prompt library of a running platform from a shell — list the prompts,
show the version a reference names, push a version from a file, move a label. Talks to the REST
API with a personal access token (``LLMOPS_TOKEN``), like ``llmops publish``.

A pushed file is either one version::

    name: support-answer
    commit_message: shorter answers
    messages: [{role: system, template: "Answer in {{ tone }} tone."}, {role: user, template: "{{ question }}"}]
    variables: [{name: tone, default: friendly}, {name: question}]
    model: {provider: local, model: smollm2-135m-instruct, temperature: 0.2}

(the prompt is created when missing), or a whole prompt exported from the platform
(``format: llmops-prompt/v1``), imported with all its versions and labels."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

import yaml

from runtime.cli.commands import EXIT_FAILED, EXIT_OK, EXIT_USAGE, err
from runtime.cli.publish import TOKEN_VARIABLE, Platform, PublishFailed

EXPORT_FORMAT = "llmops-prompt/v1"


def cmd_prompt(args: argparse.Namespace) -> int:
    token = os.environ.get(TOKEN_VARIABLE, "")
    if not token:
        err(f"error: set {TOKEN_VARIABLE} to a personal access token (create one at /api/tokens/)")
        return EXIT_USAGE
    platform = Platform(args.server, token, args.workspace)
    action = {"list": _list, "show": _show, "push": _push, "label": _label}[args.prompt_command]
    try:
        return action(platform, args)
    except PublishFailed as exc:
        err(f"error: {exc.message}")
        return EXIT_FAILED


def _prompt_id(platform: Platform, name: str) -> int | None:
    found = platform.call("GET", "/prompts/", params={"q": name, "limit": 500})["results"]
    return next((p["id"] for p in found if p["name"] == name), None)


def _list(platform: Platform, args: argparse.Namespace) -> int:
    prompts = platform.call("GET", "/prompts/", params={"limit": 500})["results"]
    if not prompts:
        print("no prompts yet")
        return EXIT_OK
    width = max(len(p["name"]) for p in prompts)
    for p in prompts:
        labels = ", ".join(f"{name}→v{number}" for name, number in sorted(p["labels"].items())) or "-"
        latest = f"v{p['latest_version']}" if p["latest_version"] else "-"
        print(f"{p['name']:<{width}}  latest {latest:<5} labels {labels}")
    return EXIT_OK


def _show(platform: Platform, args: argparse.Namespace) -> int:
    resolved = platform.call("GET", "/prompts/resolve/", params={"ref": args.ref})
    version = resolved["version"]
    print(f"# {resolved['prompt']['name']} v{version['number']}"
          f"{' [' + ', '.join(version['labels']) + ']' if version['labels'] else ''} — {version['commit_message']}")
    print(yaml.safe_dump({"messages": version["messages"], "variables": version["variables"],
                          "model": version["model"]}, sort_keys=False, allow_unicode=True), end="")
    return EXIT_OK


def _push(platform: Platform, args: argparse.Namespace) -> int:
    try:
        text = Path(args.file).read_text(encoding="utf-8")
        document = yaml.safe_load(text)
    except (OSError, yaml.YAMLError) as exc:
        err(f"error: cannot read {args.file}: {exc}")
        return EXIT_USAGE
    if not isinstance(document, dict) or not isinstance(document.get("name"), str):
        err(f"error: {args.file} is not a prompt file (it needs a name)")
        return EXIT_USAGE
    if document.get("format") == EXPORT_FORMAT:
        imported = platform.call("POST", "/prompts/import/", json={"yaml": text})
        print(f"imported {imported['name']!r} with {imported['version_count']} versions")
        return EXIT_OK
    content = {key: document[key] for key in ("messages", "variables", "model", "commit_message") if key in document}
    prompt_id = _prompt_id(platform, document["name"])
    if prompt_id is None:
        created = platform.call("POST", "/prompts/", json={"name": document["name"],
                                                           "description": document.get("description", ""),
                                                           "version": content})
        prompt_id, number, warnings = created["id"], created["latest_version"], created["warnings"]
    else:
        pushed = platform.call("POST", f"/prompts/{prompt_id}/versions/", json=content)
        number, warnings = pushed["number"], pushed["warnings"]
    for warning in warnings:
        err(f"warning: {warning['message']}")
    print(f"pushed {document['name']!r} as version {number}")
    if args.label:
        platform.call("PUT", f"/prompts/{prompt_id}/labels/{args.label}/", json={"version": number})
        print(f"{args.label} → v{number}")
    return EXIT_OK


def _label(platform: Platform, args: argparse.Namespace) -> int:
    prompt_id = _prompt_id(platform, args.name)
    if prompt_id is None:
        err(f"error: no prompt {args.name!r} in workspace {args.workspace}")
        return EXIT_FAILED
    moved: dict[str, Any] = platform.call("PUT", f"/prompts/{prompt_id}/labels/{args.label}/",
                                          json={"version": args.version})
    before = moved["moved"]["from"]
    print(f"{args.name}@{args.label}: {'v' + str(before) if before else 'new'} → v{moved['version']}")
    return EXIT_OK
