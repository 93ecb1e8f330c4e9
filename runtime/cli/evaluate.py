"""``llmops eval``: the test command for app and prompt files — run every row of a dataset on every
variant, judge each answer with evaluators, print the share of good results per variant and per
task (dataset tag), and exit 1 when a variant stays below ``--min-ratio`` (for CI).

Local mode runs in this process, in memory, and stores nothing::

    llmops eval support-answer.yaml --dataset rows.jsonl \\
        --variant openai/gpt-4o-mini --variant openai/gpt-4o:temperature=0.2 \\
        --evaluator exact_match --evaluator 'contains:{"value": "refund"}' --min-ratio 0.8

FILE is an app graph (as ``llmops run`` takes it: one variant, the app itself, or the app with
every model node on each ``--variant``) or one prompt version in the ``llmops prompt push`` format
(``messages``, ``variables``, ``model``): each ``--variant`` is then a model configuration for it,
by default the file's own model. The prompt runs in the graph a playground column or an
experiment variant runs on the platform: start → LLM node → end.

Server mode (``--server``/``--dataset-id``) makes an experiment on a running platform from library
prompt versions and a stored dataset, waits for it and prints its summary the same way.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

import yaml
from pydantic import ValidationError

from runtime.cli.commands import EXIT_FAILED, EXIT_OK, EXIT_USAGE, err, format_issues, print_json
from runtime.cli.publish import TOKEN_VARIABLE, Platform, PublishFailed
from runtime.cli.services import RunServices, build_services, local_models_used, warm_up_local_models
from runtime.cli.source import UsageProblem, load_spec, model_refs, provider_configs
from runtime.engine.compiled import CompiledGraph, RunResult, compile_graph
from runtime.evaluation.evaluators import (
    Cell,
    EvalTools,
    Evaluator,
    EvaluatorConfigError,
    LlmJudge,
    Verdict,
    evaluator_from_config,
    parse_evaluator_config,
)
from runtime.evaluation.rows import Row, RowsError, file_format, file_records, mapping_suggested, rows_mapped
from runtime.evaluation.summary import JudgedCell, experiment_summary
from runtime.nodes.model_call import ModelRef
from runtime.prompt_graph import prompt_graph
from runtime.providers.base import ChatMessage, ChatRequest, ModelProvider
from runtime.registry import default_registry
from runtime.spec import GraphSpec
from runtime.validation import analyse

JUDGE_MAX_TOKENS = 300
POLL_SECONDS = 1.0
FINISHED = ("completed", "cancelled")


# --- dataset -------------------------------------------------------------------------------------


def read_dataset(path: str) -> list[Row]:
    """The rows of a dataset file, read as the platform's upload reads it (JSONL lines or a JSON
    array of ``{"inputs", "expected", "tags"}`` or flat objects, CSV, XLSX: columns named
    ``expected`` and ``tags`` say what they hold, the rest are inputs)."""
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise UsageProblem(f"--dataset {path}: no such file") from None
    except OSError as exc:
        raise UsageProblem(f"--dataset {path}: cannot read it ({exc})") from None
    try:
        columns, records = file_records(data, file_format(path))
        return rows_mapped(records, mapping_suggested(columns), columns)
    except RowsError as exc:
        raise UsageProblem(f"--dataset {path}: {exc.message}") from None


# --- evaluators ----------------------------------------------------------------------------------


@dataclass(slots=True)
class NamedEvaluator:
    name: str
    config: dict[str, Any]  # with its name, as the platform takes it
    evaluator: Evaluator | None = None


def parse_evaluator_flag(flag: str) -> dict[str, Any]:
    """``exact_match`` or ``contains:{"value": "refund"}`` → ``{"type": ..., **settings}``."""
    kind, sep, settings = flag.partition(":")
    kind = kind.strip()
    config: dict[str, Any] = {"type": kind}
    if sep:
        try:
            parsed = json.loads(settings)
        except json.JSONDecodeError as exc:
            raise UsageProblem(f"--evaluator {flag!r}: the settings after ':' are not JSON ({exc.msg})") from None
        if not isinstance(parsed, dict):
            raise UsageProblem(f"--evaluator {flag!r}: the settings after ':' are a JSON object")
        config.update({k: v for k, v in parsed.items() if k != "type"})
    return config


def read_evaluators_file(path: str) -> tuple[list[dict[str, Any]], str | None]:
    """A YAML/JSON list of evaluator configs, or ``{evaluators: [...], primary: NAME}``."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageProblem(f"--evaluators {path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageProblem(f"--evaluators {path}: cannot read it ({exc})") from None
    except yaml.YAMLError as exc:
        raise UsageProblem(f"--evaluators {path}: not valid YAML ({str(exc).splitlines()[0]})") from None
    primary = None
    if isinstance(data, dict):
        primary = data.get("primary") or data.get("primary_evaluator")
        data = data.get("evaluators")
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise UsageProblem(f"--evaluators {path}: give a list of evaluators ({{type, name?, ...settings}})")
    return [dict(item) for item in data], str(primary) if primary else None


def named_evaluators(configs: list[dict[str, Any]], *, build: bool) -> list[NamedEvaluator]:
    """Each config checked and named (its ``name``, else its type); names must differ. ``build``
    makes the evaluators (local mode); otherwise only the settings are checked (a custom
    evaluator is left for the platform to check)."""
    named: list[NamedEvaluator] = []
    for config in configs:
        name = str(config.get("name") or config.get("type") or "").strip()
        settings = {k: v for k, v in config.items() if k != "name"}
        try:
            if build:
                evaluator: Evaluator | None = evaluator_from_config(settings)
            else:
                evaluator = None
                if settings.get("type") != "custom":
                    parse_evaluator_config(settings)
        except EvaluatorConfigError as exc:
            raise UsageProblem(f"evaluator {name or '?'}: {exc}") from None
        if any(n.name == name for n in named):
            raise UsageProblem(f"two evaluators are named {name!r}: give one a \"name\" in its settings")
        named.append(NamedEvaluator(name, {"name": name, **settings}, evaluator))
    return named


def evaluators_from_args(args: argparse.Namespace, *, build: bool) -> tuple[list[NamedEvaluator], str | None]:
    configs = [parse_evaluator_flag(flag) for flag in args.evaluator]
    primary = args.primary
    if args.evaluators:
        from_file, file_primary = read_evaluators_file(args.evaluators)
        configs += from_file
        primary = primary or file_primary
    named = named_evaluators(configs, build=build)
    if primary and primary not in [n.name for n in named]:
        listed = ", ".join(n.name for n in named) or "none"
        raise UsageProblem(f"--primary {primary!r} is not one of the evaluators ({listed})")
    return named, primary or (named[0].name if named else None)


# --- variants ------------------------------------------------------------------------------------


def parse_model_variant(flag: str, option: str = "--variant") -> dict[str, Any]:
    """``provider/model[:temperature=0.2,max_tokens=64]`` → a model config (checked)."""
    head, sep, tail = flag.rpartition(":")
    if not sep or "=" not in tail:
        head, tail = flag, ""
    provider, slash, model = head.partition("/")
    if not slash or not provider.strip() or not model.strip():
        raise UsageProblem(f"{option} {flag!r}: write it as PROVIDER/MODEL[:temperature=0.2,max_tokens=64]")
    config: dict[str, Any] = {"provider": provider.strip(), "model": model.strip()}
    for pair in (p for p in tail.split(",") if p.strip()):
        key, eq, value = pair.partition("=")
        if not eq or not key.strip():
            raise UsageProblem(f"{option} {flag!r}: parameters are NAME=VALUE, separated by commas")
        config[key.strip()] = _value(value.strip())
    return check_model(config, f"{option} {flag!r}")


def _value(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def check_model(config: dict[str, Any], where: str) -> dict[str, Any]:
    try:
        ModelRef.model_validate(config)
    except ValidationError as exc:
        problem = exc.errors(include_url=False)[0]
        at = ".".join(str(p) for p in problem["loc"]) or "model"
        raise UsageProblem(f"{where}: {at}: {problem['msg']}") from None
    return config


@dataclass(slots=True)
class Variant:
    id: int
    name: str
    spec: GraphSpec
    graph: CompiledGraph | None = None


def _read_document(path: str) -> Any:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageProblem(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UsageProblem(f"{path}: is a directory, not an app or prompt file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageProblem(f"{path}: cannot read it ({exc})") from None
    try:
        return json.loads(text) if path.lower().endswith(".json") else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError):
        return None  # load_spec says what is wrong


def local_variants(path: str, flags: Sequence[str], rows: list[Row]) -> tuple[str, list[Variant]]:
    """(what FILE is, its variants)."""
    document = _read_document(path)
    models = [(flag, parse_model_variant(flag)) for flag in flags]
    if isinstance(document, dict) and "messages" in document and "nodes" not in document:
        return "prompt", _prompt_variants(path, document, models, rows)
    spec = load_spec(path)
    if not models:
        return "app", [Variant(1, spec.name or Path(path).stem, spec)]
    variants = []
    for index, (flag, model) in enumerate(models, 1):
        data = spec.to_dict()
        for ref in model_refs(data["nodes"]):
            ref.update(model)
        variants.append(Variant(index, flag, GraphSpec.from_dict(data)))
    return "app", variants


def _prompt_variants(
    path: str, document: dict[str, Any], models: list[tuple[str, dict[str, Any]]], rows: list[Row]
) -> list[Variant]:
    if document.get("format") is not None:
        raise UsageProblem(f"{path}: a whole exported prompt; evaluate one version (name, messages, variables, model)")
    messages = document.get("messages")
    if not isinstance(messages, list) or not messages or not all(isinstance(m, dict) for m in messages):
        raise UsageProblem(f"{path}: messages is a list of {{role, template}}")
    raw_variables = document.get("variables")
    if raw_variables is None:  # none declared: the dataset's inputs
        names = dict.fromkeys(name for row in rows for name in row.inputs)
        variables: list[dict[str, Any]] = [{"name": name, "default": ""} for name in names]
    elif isinstance(raw_variables, list) and all(
        isinstance(v, dict) and isinstance(v.get("name"), str) and v["name"].isidentifier() for v in raw_variables
    ):
        variables = [dict(v) for v in raw_variables]
    else:
        raise UsageProblem(f"{path}: variables is a list of {{name, type?, default?, description?}}")
    if not models:
        own = document.get("model")
        if not isinstance(own, dict):
            raise UsageProblem(f"{path}: the prompt names no model; give one with --variant PROVIDER/MODEL")
        own = check_model(dict(own), f"{path}: model")
        models = [(f"{own['provider']}/{own['model']}", own)]
    variants = []
    for index, (name, model) in enumerate(models, 1):
        try:
            spec = GraphSpec.from_dict(prompt_graph(
                ref=str(document.get("name") or "prompt"), version=None, messages=document["messages"],
                variables=variables, model=model, stream=False, name=str(document.get("name") or "prompt")))
        except ValidationError as exc:
            problem = exc.errors(include_url=False)[0]
            at = ".".join(str(p) for p in problem["loc"])
            raise UsageProblem(f"{path}: not a prompt version ({at}: {problem['msg']})") from None
        variants.append(Variant(index, name, spec))
    return variants


def _unique_names(variants: list[Variant]) -> None:
    seen: dict[str, int] = {}
    for variant in variants:
        seen[variant.name] = seen.get(variant.name, 0) + 1
        if seen[variant.name] > 1:
            variant.name = f"{variant.name} #{seen[variant.name]}"


# --- local run -----------------------------------------------------------------------------------


@dataclass(slots=True)
class CellResult:
    row: int
    variant: int
    status: str = "pending"
    output: str = ""
    error: dict[str, Any] | None = None
    verdicts: dict[str, Verdict] = field(default_factory=dict)
    good: bool = False
    latency_ms: float | None = None
    tokens_in: int = 0
    tokens_out: int = 0
    cost: float = 0.0


def _convert(value: Any, kind: str) -> Any:
    """A dataset text (CSV cells are all text) as the declared input type, when it reads as one."""
    if not isinstance(value, str) or kind == "string":
        return value
    if kind == "number":
        for cast in (int, float):
            try:
                return cast(value)
            except ValueError:
                pass
    elif kind == "boolean" and value.strip().lower() in ("true", "false", "yes", "no", "1", "0"):
        return value.strip().lower() in ("true", "yes", "1")
    elif kind in ("array", "object"):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            pass
    return value


def row_inputs(spec: GraphSpec, row: Row) -> dict[str, Any]:
    """The row's inputs the variant declares, as their declared types."""
    declared = {i.name: i.type for i in spec.inputs}
    return {k: _convert(v, declared[k]) for k, v in row.inputs.items() if k in declared}


class Progress:
    """``cells done/total`` on stderr: redrawn on a terminal, else a line at most every few seconds."""

    def __init__(self, total: int, stream: TextIO, enabled: bool) -> None:
        self.total, self.done, self.stream, self.enabled = total, 0, stream, enabled
        self.tty = enabled and stream.isatty()
        self.every = 0.1 if self.tty else 2.0
        self.shown = 0.0

    def show(self, done: int) -> None:
        self.done = done
        now = time.monotonic()
        if self.enabled and (done == self.total or now - self.shown >= self.every):
            self.shown = now
            start, end = ("\r", "") if self.tty else ("", "\n")
            print(f"{start}cells {done}/{self.total}", end=end, file=self.stream, flush=True)

    def close(self) -> None:
        if self.tty:
            print(file=self.stream, flush=True)


def _judge_for(evaluator: Evaluator, providers: dict[str, ModelProvider]) -> EvalTools | None:
    if not isinstance(evaluator, LlmJudge):
        return None
    model = evaluator.settings.model
    provider = providers[model.provider]

    async def judge(system: str, user: str) -> str:
        messages = [ChatMessage("system", system), ChatMessage("user", user)]
        request = ChatRequest(model=model.model, messages=messages, temperature=0.0, max_tokens=JUDGE_MAX_TOKENS)
        return (await provider.chat(request)).text

    return EvalTools(judge=judge)


def _embedder() -> Callable[[list[str]], list[list[float]]]:
    from runtime.providers.embeddings import SentenceEmbedder, minilm_dir

    embedder = SentenceEmbedder(minilm_dir())
    return embedder.embed


async def run_cells(
    variants: list[Variant], rows: list[Row], evaluators: list[NamedEvaluator], primary: str | None,
    services: RunServices, *, concurrency: int, progress: Progress,
) -> list[CellResult]:
    """Every (row, variant) run at most ``concurrency`` at a time, and judged."""
    providers = dict(services.context.providers)
    embed = _embedder() if any(n.config.get("type") == "similarity" for n in evaluators) else None
    tools: dict[str, EvalTools] = {}
    for named in evaluators:
        assert named.evaluator is not None
        judged = _judge_for(named.evaluator, providers)
        tools[named.name] = EvalTools(embed=embed, judge=judged.judge if judged else None)
    limit = asyncio.Semaphore(concurrency)
    cells = [CellResult(r, v.id) for r in range(len(rows)) for v in variants]
    by_id = {v.id: v for v in variants}
    done = 0

    async def one(cell: CellResult) -> None:
        nonlocal done
        row, variant = rows[cell.row], by_id[cell.variant]
        assert variant.graph is not None
        async with limit:
            try:
                result: RunResult = await variant.graph.run(row_inputs(variant.spec, row), context=services.context)
            except Exception as exc:  # noqa: BLE001 - a run that breaks is a failed cell, not a failed eval
                cell.status = "failed"
                cell.error = {"code": "internal_error", "message": f"{type(exc).__name__}: {exc}"}
            else:
                totals = result.totals
                cell.latency_ms, cell.cost = totals.latency_ms, totals.cost
                cell.tokens_in, cell.tokens_out = totals.tokens_in, totals.tokens_out
                if result.ok:
                    cell.status, cell.output = "done", result.answer or ""
                else:
                    cell.status, cell.error = "failed", result.error or {"code": "run_failed", "message": ""}
            if cell.status == "done":
                subject = Cell(output=cell.output, expected=row.expected, inputs=dict(row.inputs))
                for named in evaluators:
                    assert named.evaluator is not None
                    cell.verdicts[named.name] = await named.evaluator.evaluate(subject, tools[named.name])
                cell.good = cell.verdicts[primary].passed if primary else True
        done += 1
        progress.show(done)

    await asyncio.gather(*(one(cell) for cell in cells))
    progress.close()
    return cells


# --- summary -------------------------------------------------------------------------------------


def summarise(variants: list[Variant], rows: list[Row], cells: list[CellResult]) -> dict[str, Any]:
    """The platform's experiment summary (:func:`experiment_summary`) of the cells judged here,
    with each variant's evaluators beside it (how many cells each passed)."""
    summary = experiment_summary([(v.id, v.name) for v in variants], [
        JudgedCell(row=c.row, variant=c.variant, tags=rows[c.row].tags, good=c.good, by="evaluator",
                   finished=c.status in ("done", "failed"), failed=c.status == "failed", cost=c.cost,
                   tokens_in=c.tokens_in, tokens_out=c.tokens_out, latency_ms=c.latency_ms)
        for c in cells
    ])
    for entry in summary["variants"]:
        mine = [c for c in cells if c.variant == entry["id"]]
        names = list(dict.fromkeys(name for c in mine for name in c.verdicts))
        entry["evaluators"] = {
            name: {"passed": sum(1 for c in mine if name in c.verdicts and c.verdicts[name].passed),
                   "judged": sum(1 for c in mine if name in c.verdicts),
                   "mean_score": _mean([c.verdicts[name].score for c in mine if name in c.verdicts])}
            for name in names
        }
    return summary


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.1f}%"


def _table(header: list[str], rows: list[list[str]], right: set[int]) -> list[str]:
    widths = [max(len(line[i]) for line in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        padded = (c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True)))
        return "  ".join(padded).rstrip()

    return [line(header), *(line(r) for r in rows)]


def render_summary(summary: dict[str, Any]) -> str:
    """The matrix as text: per variant, then per task, then the comparison with the best one."""
    variants = summary["variants"]
    names = {str(v["id"]): str(v["name"]) for v in variants}
    lines = _table(
        ["variant", "n", "good", "ratio", "95% CI", "p50 ms", "tokens in/out", "failed"],
        [[str(v["name"]), str(v["n"]), str(v["good"]), _percent(v["ratio"]),
          f"{_percent(v['ci_low'])}–{_percent(v['ci_high'])}",
          "-" if v.get("latency_p50_ms") is None else f"{v['latency_p50_ms']:.0f}",
          f"{v.get('tokens_in', 0)}/{v.get('tokens_out', 0)}", str(v.get("cells_failed", 0))]
         for v in variants],
        right={1, 2, 3, 5},
    )
    for v in variants:
        judged = v.get("evaluators") or {}
        if len(judged) > 1:
            parts = [f"{name} {e['passed']}/{e['judged']}" for name, e in judged.items()]
            lines.append(f"  {v['name']}: {', '.join(parts)}")
    tasks = summary.get("tasks") or []
    if tasks:
        rows = []
        for task in tasks:
            cells = []
            for vid in names:
                t = task["variants"].get(vid)
                cells.append("-" if not t or not t["n"] else f"{t['good']}/{t['n']} {_percent(t['ratio'])}")
            winner = [_best_name(task.get("best_variant_id"), bool(task.get("tied")), names)] if len(names) > 1 else []
            rows.append([str(task["task"]), *cells, *winner])
        lines += ["", *_table(["task", *names.values(), *(["best"] if len(names) > 1 else [])], rows, right=set())]
    best = summary.get("best_variant_id")
    if best is not None and len(variants) > 1:
        lines.append("")
        lines.append(f"best: {names.get(str(best), best)}{' (tied)' if summary.get('tied') else ''}")
        for c in summary.get("comparisons") or []:
            verdict = "significant" if c["significant"] else "not significant"
            lines.append(f"  vs {names.get(str(c['other_id']), c['other_id'])}: {c['difference'] * 100:+.1f} points, "
                         f"p = {c['p_value']:.3g} ({verdict}, paired on {c['pairs']} rows)")
    return "\n".join(lines)


def _best_name(best: Any, tied: bool, names: dict[str, str]) -> str:
    """The best variant's name; ``tie`` when the summary says another has the same ratio, ``-``
    when none was judged."""
    if best is None:
        return "-"
    return "tie" if tied else names.get(str(best), str(best))


def below_threshold(summary: dict[str, Any], min_ratio: float | None) -> list[dict[str, Any]]:
    if min_ratio is None:
        return []
    return [v for v in summary["variants"] if v["ratio"] is None or v["ratio"] < min_ratio]


def finish(summary: dict[str, Any], min_ratio: float | None, as_json: bool, extra: dict[str, Any]) -> int:
    below = below_threshold(summary, min_ratio)
    threshold = {"min_ratio": min_ratio, "passed": not below, "below": [v["name"] for v in below]}
    if as_json:
        cells = extra.pop("cells", None)
        print_json({**extra, **summary, "threshold": threshold, **({"cells": cells} if cells else {})})
    else:
        print(render_summary(summary), flush=True)
    if below:
        missed = ", ".join(f"{v['name']} ({_percent(v['ratio'])} of {v['n']})" for v in below)
        err(f"below --min-ratio {min_ratio:g}: {missed}")
        return EXIT_FAILED
    if min_ratio is not None:
        err(f"every variant reaches --min-ratio {min_ratio:g}")
    return EXIT_OK


# --- the command ---------------------------------------------------------------------------------


def cmd_eval(args: argparse.Namespace) -> int:
    server_mode = bool(args.server or args.dataset_id is not None)
    try:
        if args.min_ratio is not None and not 0 <= args.min_ratio <= 1:
            raise UsageProblem(f"--min-ratio {args.min_ratio:g}: give a share between 0 and 1, e.g. 0.8")
        if server_mode:
            return _server(args)
        return _local(args)
    except UsageProblem as exc:
        err(f"error: {exc.message}")
        return EXIT_USAGE
    except KeyboardInterrupt:
        err("\ncancelled")
        return 130


def _local(args: argparse.Namespace) -> int:
    if not args.file:
        raise UsageProblem("give an app or prompt FILE and --dataset (or --server ... --dataset-id for the platform)")
    if not args.dataset:
        raise UsageProblem("give the test rows with --dataset rows.jsonl|rows.csv")
    if args.workspace is not None:
        raise UsageProblem("--workspace is for server mode (with --server and --dataset-id)")
    rows = read_dataset(args.dataset)
    evaluators, primary = evaluators_from_args(args, build=True)
    kind, variants = local_variants(args.file, args.variant, rows)
    _unique_names(variants)
    for variant in variants:
        issues = analyse(variant.spec, default_registry()).issues
        if issues:
            err(format_issues(f"{args.file} ({variant.name})" if len(variants) > 1 else args.file, issues))
            err("not evaluated: fix the issues above (llmops validate lists them too)")
            return EXIT_FAILED
    if any(n.config.get("type") == "similarity" for n in evaluators):
        from runtime.providers.embeddings import minilm_dir
        from runtime.providers.local_models import ModelLoadFailed

        try:
            minilm_dir()
        except ModelLoadFailed as exc:
            raise UsageProblem(f"the similarity evaluator needs the local embedding model: {exc.message}") from None
    services = build_services(variants[0].spec, provider_configs=provider_configs(args.provider),
                              knowledge_dir=args.knowledge, allow_hosts=args.allow_host)
    try:
        try:
            _check_providers(variants, evaluators, services)
        except UsageProblem:
            asyncio.run(services.aclose())
            raise
        for note in services.notes:
            err(f"note: {note}")
        for named in evaluators:
            if isinstance(named.evaluator, LlmJudge) and named.evaluator.settings.prompt_ref:
                err(f"note: evaluator {named.name}: prompt_ref needs the platform; judging with its rubric")
        for variant in variants:
            variant.graph = compile_graph(variant.spec)
        return asyncio.run(_local_run(args, kind, variants, rows, evaluators, primary, services))
    finally:
        for variant in variants:
            if variant.graph is not None:
                variant.graph.close()


def _check_providers(variants: list[Variant], evaluators: list[NamedEvaluator], services: RunServices) -> None:
    known = services.context.providers
    hint = "add it with --provider NAME=BASE_URL (or LLMOPS_OPENAI_BASE_URL for 'openai')"
    for variant in variants:
        for ref in model_refs([n.model_dump() for n in variant.spec.nodes]):
            provider = ref.get("provider")
            if provider not in known:
                raise UsageProblem(f"variant {variant.name}: provider {provider!r} is not configured; {hint}")
    for named in evaluators:
        if isinstance(named.evaluator, LlmJudge) and named.evaluator.settings.model.provider not in known:
            provider = named.evaluator.settings.model.provider
            raise UsageProblem(f"evaluator {named.name}: the judge's provider {provider!r} is not configured; {hint}")


async def _local_run(
    args: argparse.Namespace, kind: str, variants: list[Variant], rows: list[Row],
    evaluators: list[NamedEvaluator], primary: str | None, services: RunServices,
) -> int:
    total = len(rows) * len(variants)
    progress = Progress(total, sys.stderr, enabled=args.progress or sys.stderr.isatty())
    judged = f"primary evaluator {primary}" if primary else "no evaluator: a run that succeeds is good"
    err(f"evaluating {args.file}: {len(rows)} rows × {len(variants)} variant(s) = {total} cells; {judged}")
    try:
        warmed: set[tuple[str, str]] = set()
        for variant in variants:
            used = set(local_models_used(variant.spec, services.context.providers))
            if used - warmed:
                await warm_up_local_models(variant.spec, services.context.providers)
                warmed |= used
        cells = await run_cells(variants, rows, evaluators, primary, services,
                                concurrency=args.concurrency, progress=progress)
    finally:
        await services.aclose()
    names = {v.id: v.name for v in variants}
    failures = [c for c in cells if c.status == "failed"]
    for cell in failures[:5]:
        error = cell.error or {}
        err(f"failed: {names[cell.variant]}, row {cell.row + 1}: [{error.get('code', 'unknown')}] "
            f"{error.get('message', '')}")
    if len(failures) > 5:
        err(f"failed: {len(failures) - 5} more cell(s)")
    summary = summarise(variants, rows, cells)
    extra = {
        "mode": "local", "file": args.file, "kind": kind, "dataset": args.dataset, "rows": len(rows),
        "evaluators": [n.config for n in evaluators], "primary_evaluator": primary,
        "cells": [{"row": c.row + 1, "variant_id": c.variant, "status": c.status, "output": c.output,
                   "error": c.error, "good": c.good, "latency_ms": c.latency_ms, "tokens_in": c.tokens_in,
                   "tokens_out": c.tokens_out,
                   "verdicts": {name: {"score": v.score, "passed": v.passed, "reason": v.reason}
                                for name, v in c.verdicts.items()}}
                  for c in cells] if args.json else [],
    }
    return finish(summary, args.min_ratio, args.json, extra)


# --- server mode ---------------------------------------------------------------------------------


def parse_server_variant(flag: str) -> dict[str, Any]:
    """``prompt=NAME@REF[,model=PROVIDER/MODEL][,temperature=0.2,...][,name=TEXT]`` → the ref, the
    model override and the variant's name."""
    pairs: dict[str, str] = {}
    for part in (p for p in flag.split(",") if p.strip()):
        key, eq, value = part.partition("=")
        if not eq or not key.strip() or not value.strip():
            raise UsageProblem(f"--variant {flag!r}: write it as prompt=NAME@REF,model=PROVIDER/MODEL")
        pairs[key.strip()] = value.strip()
    ref = pairs.pop("prompt", "")
    if not ref:
        raise UsageProblem(f"--variant {flag!r}: name the library prompt with prompt=NAME@REF")
    name = pairs.pop("name", None)
    model: dict[str, Any] = {}
    if "model" in pairs:
        model = parse_model_variant(pairs.pop("model"), "--variant model")
    model.update({key: _value(value) for key, value in pairs.items()})
    if set(model) - {"provider", "model"}:
        probe = {"provider": "p", "model": "m", **model}
        check_model(probe, f"--variant {flag!r}")
    return {"ref": ref, "model": model, "name": name}


def _server(args: argparse.Namespace) -> int:
    if args.file:
        raise UsageProblem("server mode evaluates library prompts on a stored dataset: drop FILE "
                           "(or drop --server/--dataset-id to evaluate FILE here)")
    if args.dataset:
        raise UsageProblem("server mode takes a stored dataset: --dataset-id ID, not --dataset")
    if args.workspace is None:
        raise UsageProblem("server mode needs --workspace ID")
    if args.dataset_id is None:
        raise UsageProblem("server mode needs --dataset-id ID")
    if not args.variant:
        raise UsageProblem("server mode needs at least one --variant prompt=NAME@REF[,model=PROVIDER/MODEL]")
    specs = [parse_server_variant(flag) for flag in args.variant]
    evaluators, primary = evaluators_from_args(args, build=False)
    token = os.environ.get(TOKEN_VARIABLE, "")
    if not token:
        raise UsageProblem(f"set {TOKEN_VARIABLE} to a personal access token (create one at /api/tokens/)")
    server = args.server or os.environ.get("LLMOPS_SERVER", "http://127.0.0.1:8000")
    platform = Platform(server, token, args.workspace)
    try:
        return _server_run(args, platform, specs, evaluators, primary)
    except PublishFailed as exc:
        err(f"error: {exc.message}")
        return EXIT_FAILED


def _server_run(
    args: argparse.Namespace, platform: Platform, specs: list[dict[str, Any]],
    evaluators: list[NamedEvaluator], primary: str | None,
) -> int:
    variants = []
    for spec in specs:
        resolved = platform.call("GET", "/prompts/resolve/", params={"ref": spec["ref"]})
        variant: dict[str, Any] = {"prompt_version_id": resolved["version"]["id"]}
        if spec["model"]:
            variant["model"] = spec["model"]
        if spec["name"]:
            variant["name"] = spec["name"]
        variants.append(variant)
    body: dict[str, Any] = {
        "name": args.name or f"llmops eval {datetime.now().strftime('%Y-%m-%d %H:%M')}",
        "dataset_id": args.dataset_id, "variants": variants,
        "evaluators": [n.config for n in evaluators], "primary_evaluator": primary or "",
        "concurrency": min(args.concurrency, 64),
    }
    if args.dataset_version is not None:
        body["dataset_version"] = args.dataset_version
    experiment = platform.call("POST", "/experiments/", json=body)
    experiment_id = experiment["id"]
    err(f"experiment {experiment_id} ({experiment['name']}): {experiment.get('cells_total', '?')} cells")
    shown = None
    while experiment["status"] not in FINISHED:
        try:
            time.sleep(POLL_SECONDS)
        except KeyboardInterrupt:
            err(f"\nstopped waiting: experiment {experiment_id} goes on on the platform")
            return 130
        experiment = platform.call("GET", f"/experiments/{experiment_id}/")
        state = (experiment["status"], experiment["cells_done"], experiment["cells_total"])
        if state != shown:
            shown = state
            paused = " (paused)" if experiment["status"] == "paused" else ""
            err(f"cells {experiment['cells_done']}/{experiment['cells_total']}{paused}")
    if experiment["status"] == "cancelled":
        err(f"experiment {experiment_id} was cancelled")
    summary = platform.call("GET", f"/experiments/{experiment_id}/summary/")
    code = finish(summary, args.min_ratio, args.json,
                  {"mode": "server", "experiment_id": experiment_id, "status": experiment["status"]})
    return EXIT_FAILED if experiment["status"] == "cancelled" else code


__all__ = [
    "Row",
    "cmd_eval",
    "parse_evaluator_flag",
    "parse_model_variant",
    "parse_server_variant",
    "prompt_graph",
    "read_dataset",
    "render_summary",
    "summarise",
]
