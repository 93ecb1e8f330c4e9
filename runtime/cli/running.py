"""``llmops run``: validate, build the services, run once, show the answer and the trace."""

from __future__ import annotations

import argparse
import asyncio
import json
from typing import Any

from runtime.cli.commands import EXIT_FAILED, EXIT_OK, EXIT_USAGE, err, format_issues, print_json
from runtime.cli.report import RunReport, format_outputs, format_summary, format_trace
from runtime.cli.services import build_services, warm_up_local_models
from runtime.cli.source import (
    UsageProblem,
    load_spec,
    override_models,
    parse_inputs,
    parse_model_flag,
    provider_configs,
)
from runtime.engine.compiled import CompiledGraph, RunResult, compile_graph
from runtime.events import jsonable
from runtime.registry import default_registry
from runtime.spec import GraphSpec
from runtime.validation import analyse


def cmd_run(args: argparse.Namespace) -> int:
    try:
        spec = load_spec(args.file)
        model = parse_model_flag(args.model) if args.model else None
        spec = override_models(spec, model=model, max_tokens=args.max_tokens)
        inputs = parse_inputs(spec, args.input, args.inputs_json)
        configs = provider_configs(args.provider)
    except UsageProblem as exc:
        err(f"error: {exc.message}")
        return EXIT_USAGE
    analysis = analyse(spec, default_registry())
    if analysis.issues:
        if args.json:
            print_json({"status": "invalid", "issues": [i.to_dict() for i in analysis.issues]})
        else:
            err(format_issues(args.file, analysis.issues))
            err("not run: fix the issues above (llmops validate lists them too)")
        return EXIT_FAILED
    graph = compile_graph(spec)
    try:
        return asyncio.run(_run(args, spec, graph, inputs, configs))
    except UsageProblem as exc:
        err(f"error: {exc.message}")
        return EXIT_USAGE
    except KeyboardInterrupt:
        err("\ncancelled")
        return 130
    finally:
        graph.close()


async def _run(
    args: argparse.Namespace,
    spec: GraphSpec,
    graph: CompiledGraph,
    inputs: dict[str, Any],
    configs: list[dict[str, Any]],
) -> int:
    services = build_services(spec, provider_configs=configs, knowledge_dir=args.knowledge, allow_hosts=args.allow_host)
    for note in services.notes:
        err(f"note: {note}")
    report = RunReport(stream=args.stream, json_lines=args.json and args.stream, keep_events=args.json)
    try:
        await warm_up_local_models(spec, services.context.providers)
        result = await graph.run(inputs, context=services.context, hooks=[report])
    finally:
        await services.aclose()
    rows = report.trace()
    if args.json:
        document = {
            "type": "result",
            "run_id": result.run_id,
            "status": result.status,
            "outputs": result.outputs,
            "error": result.error,
            "totals": result.totals,
            "trace": rows,
        }
        if args.stream:
            print(json.dumps(jsonable(document), ensure_ascii=False), flush=True)
        else:
            print_json({**document, "events": report.events})
        return EXIT_OK if result.ok else EXIT_FAILED
    _print_outputs(result, report)
    err("")
    err(format_trace(rows))
    err("")
    err(format_summary(result, rows))
    if not result.ok:
        err(_failure_line(result))
        return EXIT_FAILED
    return EXIT_OK


def _print_outputs(result: RunResult, report: RunReport) -> None:
    if not result.ok:
        return
    # Streamed, an answer node's text (the ``answer`` output) is on screen already.
    skip = frozenset({"answer"}) if report.stream and _answered(report) else frozenset()
    text = format_outputs(result.outputs, skip=skip)
    if text:
        if skip or report.streamed:
            print()
        print(text, flush=True)


def _answered(report: RunReport) -> bool:
    return any(row.type == "answer" and row.status == "succeeded" for row in report.rows.values())


def _failure_line(result: RunResult) -> str:
    error = result.error or {}
    where = f" at node {error['node_id']!r}" if error.get("node_id") else ""
    return f"error [{error.get('code', 'unknown')}]{where}: {error.get('message', '')}"
