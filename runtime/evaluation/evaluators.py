"""Evaluators: each judges one experiment cell — the answer an app gave for one test row, the row's
expected output and its inputs — with a score in [0, 1], pass or fail, and a reason a person can read.

A config is ``{"type": ..., **settings}`` (plus an optional display ``label``). It is checked when the
experiment is made, so a bad regex, a bad JSON Schema or an uninstalled custom evaluator is refused
then, with the field named, rather than on every cell. Evaluators that need a model get it through
:class:`EvalTools` (the local embedding model, a judge model bound by the caller); custom evaluators
are Python callables installed as entry points in the ``llmops.evaluators`` group — code an operator
installed, never code a user typed. An evaluator never fails the experiment: whatever goes wrong
while judging becomes a failing verdict that says why.
"""

from __future__ import annotations

import asyncio
import importlib.metadata
import inspect
import json
import math
import re
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError, best_match
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, field_validator, model_validator

ENTRY_POINT_GROUP = "llmops.evaluators"
MAX_PATTERN_CHARS = 500
MAX_REASON_CHARS = 500
PASS_SCORE = 0.5

EVALUATOR_TYPES: dict[str, str] = {
    "exact_match": "The answer equals the expected output.",
    "contains": "The answer contains a text.",
    "not_contains": "The answer does not contain a text.",
    "regex": "The answer matches a regular expression.",
    "json_valid": "The answer is valid JSON.",
    "json_schema": "The answer is JSON that follows a JSON Schema.",
    "numeric": "The first number in the answer is within a tolerance of the expected one.",
    "length": "The answer's length in characters is within bounds.",
    "similarity": "The answer means the same as the expected output (embedding cosine similarity).",
    "llm_judge": "A judge model scores the answer against a rubric.",
    "custom": "A Python evaluator installed by the operator (entry point group llmops.evaluators).",
}

_NUMBER = re.compile(r"[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][-+]?\d+)?|[-+]?\.\d+(?:[eE][-+]?\d+)?")


@dataclass(frozen=True, slots=True)
class Verdict:
    """One evaluator's judgement of one cell: ``score`` in [0, 1], whether it passed, and why."""

    score: float
    passed: bool
    reason: str

    def __post_init__(self) -> None:
        if not 0.0 <= self.score <= 1.0:
            raise ValueError(f"a verdict's score is between 0 and 1, not {self.score}")


@dataclass(frozen=True, slots=True)
class Cell:
    """What an evaluator sees of one cell: the app's ``output``, the row's ``expected`` output (if it
    has one) and the row's ``inputs``."""

    output: str
    expected: str | None = None
    inputs: dict[str, Any] = field(default_factory=dict)


Embed = Callable[[list[str]], list[list[float]]]
Judge = Callable[[str, str], Awaitable[str]]


@dataclass(frozen=True, slots=True)
class EvalTools:
    """The models evaluators may borrow. ``embed`` maps texts to L2-normalised vectors (it may block:
    it is called in a worker thread); ``judge`` sends (system text, user text) to the judge model
    the caller bound from the evaluator's ``model`` setting and returns its answer."""

    embed: Embed | None = None
    judge: Judge | None = None


class EvaluatorConfigError(ValueError):
    """A config no evaluator can be made from; ``field`` names the setting at fault."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


# --- settings: one model per type ----------------------------------------------------------------


class _Settings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    label: str | None = Field(None, max_length=200)


class ExactMatchSettings(_Settings):
    type: Literal["exact_match"]
    case_sensitive: bool = True
    strip: bool = True


class ContainsSettings(_Settings):
    type: Literal["contains"]
    value: str = Field(min_length=1)
    case_sensitive: bool = True


class NotContainsSettings(_Settings):
    type: Literal["not_contains"]
    value: str = Field(min_length=1)
    case_sensitive: bool = True


class RegexSettings(_Settings):
    type: Literal["regex"]
    pattern: str = Field(min_length=1, max_length=MAX_PATTERN_CHARS)

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, pattern: str) -> str:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ValueError(f"not a regular expression: {exc}") from None
        return pattern


class JsonValidSettings(_Settings):
    type: Literal["json_valid"]


class JsonSchemaSettings(_Settings):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    type: Literal["json_schema"]
    json_schema: dict[str, Any] = Field(alias="schema")

    @field_validator("json_schema")
    @classmethod
    def _is_schema(cls, schema: dict[str, Any]) -> dict[str, Any]:
        try:
            Draft202012Validator.check_schema(schema)
        except SchemaError as exc:
            raise ValueError(f"not a JSON Schema: {exc.message}") from None
        return schema


class NumericSettings(_Settings):
    type: Literal["numeric"]
    tolerance: float = Field(0.0, ge=0, allow_inf_nan=False)
    relative: bool = False


class LengthSettings(_Settings):
    type: Literal["length"]
    min_chars: int | None = Field(None, ge=0)
    max_chars: int | None = Field(None, ge=0)

    @model_validator(mode="after")
    def _bounded(self) -> LengthSettings:
        if self.min_chars is None and self.max_chars is None:
            raise ValueError("give min_chars, max_chars or both")
        if self.min_chars is not None and self.max_chars is not None and self.min_chars > self.max_chars:
            raise ValueError("min_chars is above max_chars")
        return self


class SimilaritySettings(_Settings):
    type: Literal["similarity"]
    threshold: float = Field(0.8, ge=0, le=1)


class JudgeModel(BaseModel):
    """The model that judges: a provider and one of its models."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    provider: str = Field(min_length=1)
    model: str = Field(min_length=1)


class LlmJudgeSettings(_Settings):
    type: Literal["llm_judge"]
    model: JudgeModel
    rubric: str = Field(min_length=1, max_length=20_000)
    prompt_ref: str | None = Field(None, min_length=1)


class CustomSettings(_Settings):
    type: Literal["custom"]
    name: str = Field(min_length=1)
    options: dict[str, Any] = Field(default_factory=dict)

    @field_validator("name")
    @classmethod
    def _installed(cls, name: str) -> str:
        known = installed_evaluators()
        if name not in known:
            listed = ", ".join(sorted(known)) or "none"
            raise ValueError(f"no custom evaluator {name!r} is installed (installed: {listed})")
        return name


EvaluatorSettings = Annotated[
    ExactMatchSettings
    | ContainsSettings
    | NotContainsSettings
    | RegexSettings
    | JsonValidSettings
    | JsonSchemaSettings
    | NumericSettings
    | LengthSettings
    | SimilaritySettings
    | LlmJudgeSettings
    | CustomSettings,
    Field(discriminator="type"),
]
_SETTINGS: TypeAdapter[EvaluatorSettings] = TypeAdapter(EvaluatorSettings)


def installed_evaluators() -> dict[str, importlib.metadata.EntryPoint]:
    """The custom evaluators installed on this machine, by entry point name."""
    return {ep.name: ep for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)}


# --- evaluators ----------------------------------------------------------------------------------


class Evaluator(ABC):
    """Judges cells. ``type`` is the config's type; ``name`` what the results table calls it (the
    config's ``label``, else its type — a custom evaluator's entry point name)."""

    type: str = ""

    def __init__(self, settings: _Settings) -> None:
        self.settings = settings
        self.name = settings.label or self.type

    async def evaluate(self, cell: Cell, tools: EvalTools) -> Verdict:
        """The verdict on ``cell``; an evaluator that breaks fails the cell, never the experiment."""
        try:
            return await self._judge(cell, tools)
        except Exception as exc:  # noqa: BLE001 - a broken evaluator is a failing verdict that says why
            return Verdict(0.0, False, _clip(f"evaluator error: {type(exc).__name__}: {exc}"))

    @abstractmethod
    async def _judge(self, cell: Cell, tools: EvalTools) -> Verdict: ...

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r}>"


def _clip(text: str) -> str:
    return text if len(text) <= MAX_REASON_CHARS else text[: MAX_REASON_CHARS - 1] + "…"


def _verdict(passed: bool, reason: str) -> Verdict:
    return Verdict(1.0 if passed else 0.0, passed, _clip(reason))


NO_EXPECTED = Verdict(0.0, False, "no expected output")


class ExactMatch(Evaluator):
    type = "exact_match"
    settings: ExactMatchSettings

    async def _judge(self, cell: Cell, tools: EvalTools) -> Verdict:
        if cell.expected is None:
            return NO_EXPECTED
        got, want = cell.output, cell.expected
        if self.settings.strip:
            got, want = got.strip(), want.strip()
        if not self.settings.case_sensitive:
            got, want = got.casefold(), want.casefold()
        if got == want:
            return _verdict(True, "equals the expected output")
        return _verdict(False, "differs from the expected output")


def _contains(text: str, value: str, case_sensitive: bool) -> bool:
    return value in text if case_sensitive else value.casefold() in text.casefold()


class Contains(Evaluator):
    type = "contains"
    settings: ContainsSettings

    async def _judge(self, cell: Cell, tools: EvalTools) -> Verdict:
        found = _contains(cell.output, self.settings.value, self.settings.case_sensitive)
        return _verdict(found, f"{'contains' if found else 'does not contain'} {self.settings.value!r}")


class NotContains(Evaluator):
    type = "not_contains"
    settings: NotContainsSettings

    async def _judge(self, cell: Cell, tools: EvalTools) -> Verdict:
        found = _contains(cell.output, self.settings.value, self.settings.case_sensitive)
        return _verdict(not found, f"{'contains' if found else 'does not contain'} {self.settings.value!r}")


class Regex(Evaluator):
    type = "regex"
    settings: RegexSettings

    def __init__(self, settings: RegexSettings) -> None:
        super().__init__(settings)
        self._pattern = re.compile(settings.pattern)

    async def _judge(self, cell: Cell, tools: EvalTools) -> Verdict:
        found = self._pattern.search(cell.output) is not None
        return _verdict(found, f"{'matches' if found else 'does not match'} /{self.settings.pattern}/")


def _parse_json(text: str) -> tuple[Any, str | None]:
    try:
        return json.loads(text), None
    except json.JSONDecodeError as exc:
        return None, f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"


class JsonValid(Evaluator):
    type = "json_valid"
    settings: JsonValidSettings

    async def _judge(self, cell: Cell, tools: EvalTools) -> Verdict:
        _, problem = _parse_json(cell.output)
        return _verdict(problem is None, problem or "valid JSON")


class JsonSchema(Evaluator):
    type = "json_schema"
    settings: JsonSchemaSettings

    def __init__(self, settings: JsonSchemaSettings) -> None:
        super().__init__(settings)
        self._validator = Draft202012Validator(settings.json_schema)

    async def _judge(self, cell: Cell, tools: EvalTools) -> Verdict:
        value, problem = _parse_json(cell.output)
        if problem is not None:
            return _verdict(False, problem)
        error = best_match(self._validator.iter_errors(value))
        if error is None:
            return _verdict(True, "follows the schema")
        return _verdict(False, f"at {error.json_path}: {error.message}")


def first_number(text: str) -> float | None:
    """The first number written in ``text`` (``-3``, ``1,234.5``, ``2e-3``), or None."""
    match = _NUMBER.search(text)
    if match is None:
        return None
    value = float(match.group().replace(",", ""))
    return value if math.isfinite(value) else None


class Numeric(Evaluator):
    type = "numeric"
    settings: NumericSettings

    async def _judge(self, cell: Cell, tools: EvalTools) -> Verdict:
        if cell.expected is None:
            return NO_EXPECTED
        want = first_number(cell.expected)
        if want is None:
            return _verdict(False, "the expected output holds no number")
        got = first_number(cell.output)
        if got is None:
            return _verdict(False, "the output holds no number")
        allowed = self.settings.tolerance * abs(want) if self.settings.relative else self.settings.tolerance
        within = abs(got - want) <= allowed
        return _verdict(within, f"{got:g} vs expected {want:g} (difference {abs(got - want):g}, allowed {allowed:g})")


class Length(Evaluator):
    type = "length"
    settings: LengthSettings

    async def _judge(self, cell: Cell, tools: EvalTools) -> Verdict:
        n = len(cell.output)
        low, high = self.settings.min_chars, self.settings.max_chars
        if low is not None and n < low:
            return _verdict(False, f"{n} characters, fewer than {low}")
        if high is not None and n > high:
            return _verdict(False, f"{n} characters, more than {high}")
        return _verdict(True, f"{n} characters")


def cosine(a: list[float], b: list[float]) -> float:
    """Cosine similarity of two vectors (the dot product when both are L2-normalised); 0 for a zero vector."""
    dot = math.fsum(x * y for x, y in zip(a, b, strict=True))
    norms = math.sqrt(math.fsum(x * x for x in a)) * math.sqrt(math.fsum(y * y for y in b))
    return dot / norms if norms else 0.0


class Similarity(Evaluator):
    type = "similarity"
    settings: SimilaritySettings

    async def _judge(self, cell: Cell, tools: EvalTools) -> Verdict:
        if cell.expected is None:
            return NO_EXPECTED
        if tools.embed is None:
            return Verdict(0.0, False, "no embedding model")
        vectors = await asyncio.to_thread(tools.embed, [cell.output, cell.expected])
        score = min(1.0, max(0.0, cosine(vectors[0], vectors[1])))
        threshold = self.settings.threshold
        return Verdict(score, score >= threshold, f"similarity {score:.3f} (threshold {threshold:g})")


JUDGE_SYSTEM = (
    "You are grading an answer against a rubric. Be strict and fair.\n\n"
    "Rubric:\n{rubric}\n\n"
    'Reply with JSON only, on one line: {{"score": <a number from 0 to 1>, "reason": "<one sentence>"}}.'
)


class LlmJudge(Evaluator):
    """Asks a judge model; the caller binds ``tools.judge`` to ``settings.model`` (and, when
    ``settings.prompt_ref`` is set, may send that prompt as the system text instead)."""

    type = "llm_judge"
    settings: LlmJudgeSettings

    def system_text(self) -> str:
        return JUDGE_SYSTEM.format(rubric=self.settings.rubric)

    @staticmethod
    def user_text(cell: Cell) -> str:
        parts = []
        if cell.inputs:
            parts.append("Inputs:\n" + json.dumps(cell.inputs, ensure_ascii=False, indent=2, default=str))
        if cell.expected is not None:
            parts.append(f"Expected answer:\n{cell.expected}")
        parts.append(f"Answer to grade:\n{cell.output}")
        return "\n\n".join(parts)

    async def _judge(self, cell: Cell, tools: EvalTools) -> Verdict:
        if tools.judge is None:
            return Verdict(0.0, False, "no judge model")
        answer = await tools.judge(self.system_text(), self.user_text(cell))
        parsed = parse_judgement(answer)
        if parsed is None:
            return Verdict(0.0, False, _clip(f"judge answer not understood: {answer.strip()[:200]!r}"))
        score, reason = parsed
        return Verdict(score, score >= PASS_SCORE, _clip(reason or f"judged {score:.2f}"))


_PASS_FAIL = re.compile(r"^[\s*_#>`\"']*(PASS|FAIL)(?:ED)?\b[\s*_`\"'.:\-–—]*(.*)$", re.IGNORECASE)


def parse_judgement(answer: str) -> tuple[float, str] | None:
    """A judge's (score in [0, 1], reason), or None when the answer says neither.

    Understood: a JSON object with ``score`` — 0 to 1 as is, above 1 up to 5 as a 1–5 scale — and
    ``reason`` (also inside a Markdown code fence or surrounded by text); or a first line that
    starts with PASS or FAIL, the rest of the answer being the reason.
    """
    for data in _json_objects(answer):
        score = _judge_score(data.get("score"))
        if score is not None:
            reason = data.get("reason", data.get("explanation", ""))
            return score, str(reason).strip() if reason is not None else ""
    lines = answer.strip().splitlines()
    match = _PASS_FAIL.match(lines[0]) if lines else None
    if match is None:
        return None
    reason = " ".join(part for part in [match.group(2).strip(), *(line.strip() for line in lines[1:])] if part)
    return (1.0 if match.group(1).upper() == "PASS" else 0.0), reason


def _json_objects(text: str) -> list[dict[str, Any]]:
    decoder = json.JSONDecoder()
    found: list[dict[str, Any]] = []
    start = text.find("{")
    while start != -1 and len(found) < 5:
        try:
            value, end = decoder.raw_decode(text, start)
        except json.JSONDecodeError:
            start = text.find("{", start + 1)
            continue
        if isinstance(value, dict):
            found.append(value)
        start = text.find("{", end)
    return found


def _judge_score(raw: Any) -> float | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, str):
        raw = first_number(raw)
    if not isinstance(raw, int | float) or not math.isfinite(raw) or raw < 0:
        return None
    if raw <= 1:
        return float(raw)
    if raw <= 5:
        return (raw - 1) / 4
    return None


CustomFunction = Callable[[Cell, dict[str, Any]], Any]


class Custom(Evaluator):
    """An operator-installed callable ``(cell, options) -> Verdict | float | bool`` (or an awaitable
    of one); a float is the score (passing from 0.5), a bool passes or fails."""

    type = "custom"
    settings: CustomSettings

    def __init__(self, settings: CustomSettings, function: CustomFunction) -> None:
        super().__init__(settings)
        self.name = settings.label or settings.name
        self._function = function

    async def _judge(self, cell: Cell, tools: EvalTools) -> Verdict:
        result = self._function(cell, dict(self.settings.options))
        if inspect.isawaitable(result):
            result = await result
        if isinstance(result, Verdict):
            return result
        if isinstance(result, bool):
            return _verdict(result, f"{self.settings.name}: {'pass' if result else 'fail'}")
        if isinstance(result, int | float) and math.isfinite(result):
            score = min(1.0, max(0.0, float(result)))
            return Verdict(score, score >= PASS_SCORE, f"{self.settings.name}: {score:.2f}")
        raise TypeError(f"{self.settings.name} returned {type(result).__name__}, not a Verdict, number or bool")


_SIMPLE: dict[str, type[Evaluator]] = {
    cls.type: cls
    for cls in (ExactMatch, Contains, NotContains, Regex, JsonValid, JsonSchema, Numeric, Length, Similarity, LlmJudge)
}


def parse_evaluator_config(config: dict[str, Any]) -> EvaluatorSettings:
    """``config`` checked against its type's settings; :class:`EvaluatorConfigError` names the field at fault."""
    if not isinstance(config, dict):
        raise EvaluatorConfigError(f"an evaluator config is an object, not {type(config).__name__}")
    kind = config.get("type")
    if kind not in EVALUATOR_TYPES:
        known = ", ".join(EVALUATOR_TYPES)
        raise EvaluatorConfigError(f"type: {kind!r} is not an evaluator type (known: {known})", field="type")
    try:
        return _SETTINGS.validate_python(config)
    except ValidationError as exc:
        problem = exc.errors(include_url=False)[0]
        where = ".".join(str(part) for part in problem["loc"][1:]) or str(kind)
        message = problem["msg"].removeprefix("Value error, ")
        raise EvaluatorConfigError(f"{kind} evaluator, {where}: {message}", field=where) from None


def evaluator_from_config(config: dict[str, Any]) -> Evaluator:
    """The evaluator ``config`` describes, ready to judge cells."""
    settings = parse_evaluator_config(config)
    if isinstance(settings, CustomSettings):
        entry_point = installed_evaluators()[settings.name]
        try:
            function = entry_point.load()
        except Exception as exc:  # noqa: BLE001 - an installed plugin that does not load is a config error
            raise EvaluatorConfigError(
                f"custom evaluator {settings.name!r} does not load: {type(exc).__name__}: {exc}", field="name"
            ) from exc
        if not callable(function):
            raise EvaluatorConfigError(f"custom evaluator {settings.name!r} is not callable", field="name")
        return Custom(settings, function)
    return _SIMPLE[settings.type](settings)
