"""Reading what the command line is given: graph files, run inputs, provider flags.

Every problem becomes a :class:`UsageProblem` with a message for a human; the commands turn it
into exit code 2 without a traceback.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from runtime.spec import GraphSpec


class UsageProblem(Exception):
    """The file or a flag cannot be used (exit code 2)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# --- graph files -----------------------------------------------------------------------------
EXPORT_KIND = "llmops-app"


def load_spec(path: str) -> GraphSpec:
    """Read a graph file (YAML or JSON, by extension; YAML otherwise, which also reads JSON)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageProblem(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UsageProblem(f"{path}: is a directory, not a graph file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageProblem(f"{path}: cannot read it ({exc})") from None
    try:
        data = json.loads(text) if path.lower().endswith(".json") else yaml.safe_load(text)
    except json.JSONDecodeError as exc:
        raise UsageProblem(f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise UsageProblem(f"{path}: not valid YAML{where}: {problem}") from None
    if not isinstance(data, dict):
        raise UsageProblem(f"{path}: a graph file holds a mapping (nodes, edges, ...), not {_kind(data)}")
    if data.get("kind") == EXPORT_KIND and isinstance(data.get("graph"), dict):
        data = data["graph"]  # a file exported from the platform
    try:
        return GraphSpec.from_dict(data)
    except ValidationError as exc:
        lines = [
            f"  {'.'.join(str(p) for p in err['loc']) or '(top)'}: {err['msg']}"
            for err in exc.errors(include_url=False)
        ]
        raise UsageProblem(f"{path}: not a graph spec:\n" + "\n".join(lines)) from None


def _kind(data: Any) -> str:
    return "an empty file" if data is None else f"a {type(data).__name__}"


# --- run inputs ------------------------------------------------------------------------------
_TRUE = {"true", "yes", "1", "on"}
_FALSE = {"false", "no", "0", "off"}


def parse_inputs(spec: GraphSpec, pairs: Sequence[str], inputs_json: str | None) -> dict[str, Any]:
    """``--inputs-json`` (an object, or ``@file``) overlaid by ``--input name=value`` pairs.

    Values of ``--input`` are text; they are converted to the type the app declares for that
    input (number, boolean, or JSON for arrays and objects).
    """
    inputs: dict[str, Any] = {}
    if inputs_json:
        raw = inputs_json
        if raw.startswith("@"):
            try:
                raw = Path(raw[1:]).read_text(encoding="utf-8")
            except OSError as exc:
                raise UsageProblem(f"--inputs-json: cannot read {raw[1:]} ({exc})") from None
        try:
            parsed = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise UsageProblem(f"--inputs-json: not valid JSON ({exc.msg} at char {exc.pos})") from None
        if not isinstance(parsed, dict):
            raise UsageProblem("--inputs-json: must be a JSON object of input name -> value")
        inputs.update(parsed)
    declared = {i.name: i.type for i in spec.inputs}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise UsageProblem(f"--input {pair!r}: write it as name=value")
        name = name.strip()
        inputs[name] = _convert(name, value, declared.get(name, "string"))
    return inputs


def _convert(name: str, value: str, kind: str) -> Any:
    if kind == "number":
        try:
            return int(value)
        except ValueError:
            try:
                return float(value)
            except ValueError:
                raise UsageProblem(f"--input {name}: {value!r} is not a number") from None
    if kind == "boolean":
        folded = value.strip().lower()
        if folded in _TRUE | _FALSE:
            return folded in _TRUE
        raise UsageProblem(f"--input {name}: {value!r} is not a boolean (true/false)")
    if kind in ("array", "object"):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            raise UsageProblem(f"--input {name}: the app expects an {kind}; give it as JSON") from None
    return value


# --- providers -------------------------------------------------------------------------------
def provider_configs(flags: Sequence[str], environ: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """OpenAI-compatible provider configs from ``--provider NAME=BASE_URL`` flags and the
    environment (``LLMOPS_OPENAI_BASE_URL`` adds a provider named ``openai``).

    The key of provider NAME comes from ``LLMOPS_<NAME>_API_KEY`` only, so a key is never sent
    to a server it was not meant for.
    """
    env = os.environ if environ is None else environ
    urls: dict[str, str] = {}
    if env.get("LLMOPS_OPENAI_BASE_URL"):
        urls["openai"] = env["LLMOPS_OPENAI_BASE_URL"]
    for flag in flags:
        name, sep, url = flag.partition("=")
        if not sep or not name.strip() or not url.strip():
            raise UsageProblem(f"--provider {flag!r}: write it as NAME=BASE_URL")
        urls[name.strip()] = url.strip()
    configs = []
    for name, url in urls.items():
        config: dict[str, Any] = {"kind": "openai_compatible", "name": name, "base_url": url}
        key = env.get(api_key_variable(name))
        if key:
            config["api_key"] = key
        configs.append(config)
    return configs


def api_key_variable(provider: str) -> str:
    return "LLMOPS_" + re.sub(r"[^A-Z0-9]", "_", provider.upper()) + "_API_KEY"


def parse_model_flag(flag: str) -> tuple[str, str]:
    provider, sep, model = flag.partition("/")
    if not sep or not provider or not model:
        raise UsageProblem(f"--model {flag!r}: write it as PROVIDER/MODEL, e.g. openai/gpt-4o-mini")
    return provider, model


# --- walking a graph's node configs ----------------------------------------------------------
def model_refs(nodes: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Every model reference (``{provider, model, ...}``) in node configs, sub-graphs included."""
    for node in nodes:
        config = node.get("config") or {}
        model = config.get("model")
        if isinstance(model, dict) and "provider" in model:
            yield model
        graph = config.get("graph")
        if isinstance(graph, dict):
            yield from model_refs(graph.get("nodes") or [])


def knowledge_bases(nodes: list[dict[str, Any]]) -> list[str]:
    """Knowledge base names the graph's retrieval nodes search, sub-graphs included."""
    names: list[str] = []
    for node in nodes:
        config = node.get("config") or {}
        name = config.get("knowledge_base")
        if node.get("type") == "retrieval" and isinstance(name, str) and name not in names:
            names.append(name)
        graph = config.get("graph")
        if isinstance(graph, dict):
            names += [n for n in knowledge_bases(graph.get("nodes") or []) if n not in names]
    return names


def override_models(
    spec: GraphSpec, *, model: tuple[str, str] | None = None, max_tokens: int | None = None
) -> GraphSpec:
    """A copy of ``spec`` whose model nodes all use ``model`` and/or ``max_tokens``."""
    if model is None and max_tokens is None:
        return spec
    data = spec.to_dict()
    for ref in model_refs(data["nodes"]):
        if model is not None:
            ref["provider"], ref["model"] = model
        if max_tokens is not None:
            ref["max_tokens"] = max_tokens
    return GraphSpec.from_dict(data)
