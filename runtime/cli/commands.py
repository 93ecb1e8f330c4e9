"""``llmops validate`` and ``llmops bench``, and what every command shares.

Each command returns the process exit code. ``run`` lives in :mod:`runtime.cli.running` so that
validating a file does not import the model clients.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from runtime.cli.source import UsageProblem, load_spec
from runtime.events import jsonable
from runtime.registry import default_registry
from runtime.validation import Issue, analyse

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


def err(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def print_json(data: Any) -> None:
    print(json.dumps(jsonable(data), ensure_ascii=False, indent=2), flush=True)


def format_issues(path: str, issues: list[Issue]) -> str:
    """Issues as an aligned list: code, where (node/edge/field), message."""
    rows = []
    for issue in issues:
        where = [
            f"node {issue.node_id}" if issue.node_id else "",
            f"edge {issue.edge_id}" if issue.edge_id else "",
            f"field {issue.field}" if issue.field else "",
        ]
        rows.append((issue.code, ", ".join(w for w in where if w) or "graph", issue.message))
    code_w = max(len(r[0]) for r in rows)
    where_w = max(len(r[1]) for r in rows)
    lines = [f"{path}: {len(issues)} issue(s)"]
    lines += [f"  {c.ljust(code_w)}  {w.ljust(where_w)}  {m}" for c, w, m in rows]
    return "\n".join(lines)


# --- validate --------------------------------------------------------------------------------
def cmd_validate(args: argparse.Namespace) -> int:
    try:
        spec = load_spec(args.file)
    except UsageProblem as exc:
        err(f"error: {exc.message}")
        return EXIT_USAGE
    issues = analyse(spec, default_registry()).issues
    if args.json:
        print_json({"file": args.file, "valid": not issues, "issues": [i.to_dict() for i in issues]})
    elif issues:
        print(format_issues(args.file, issues))
    else:
        name = f" ({spec.name})" if spec.name else ""
        print(f"{args.file}{name}: valid — {len(spec.nodes)} nodes, {len(spec.edges)} edges")
    return EXIT_FAILED if issues else EXIT_OK


# --- bench -----------------------------------------------------------------------------------
def cmd_bench(args: argparse.Namespace) -> int:
    from runtime import bench

    argv = ["--runs", str(args.runs), "--w3-runs", str(args.w3_runs)]
    if args.warmup is not None:
        argv += ["--warmup", str(args.warmup)]
    return bench.main(argv)
