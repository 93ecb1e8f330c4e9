"""Evaluators against known answers: each verdict's pass/fail, score and the reason a person reads;
bad configs refused when the experiment is made, naming the field; evaluators that need a model say
so without one; a broken evaluator fails its cell instead of the experiment."""

from __future__ import annotations

import math
from typing import Any

import pytest

from runtime.evaluation import evaluators as module
from runtime.evaluation.evaluators import (
    EVALUATOR_TYPES,
    Cell,
    EvalTools,
    EvaluatorConfigError,
    Verdict,
    evaluator_from_config,
    parse_judgement,
)


async def judge(config: dict[str, Any], output: str, expected: str | None = None, tools: EvalTools | None = None,
                inputs: dict[str, Any] | None = None) -> Verdict:
    cell = Cell(output, expected, inputs if inputs is not None else {"q": "?"})
    return await evaluator_from_config(config).evaluate(cell, tools or EvalTools())


@pytest.mark.parametrize("config, output, expected, passed, reason", [
    ({"type": "exact_match"}, " Paris\n", "Paris", True, "equals the expected output"),
    ({"type": "exact_match"}, "paris", "Paris", False, "differs from the expected output"),
    ({"type": "exact_match", "case_sensitive": False}, "paris", "Paris", True, "equals the expected output"),
    ({"type": "exact_match", "strip": False}, "Paris ", "Paris", False, "differs from the expected output"),
    ({"type": "exact_match"}, "Paris", None, False, "no expected output"),
    ({"type": "contains", "value": "refund"}, "We refund within 30 days.", None, True, "contains 'refund'"),
    ({"type": "contains", "value": "REFUND"}, "We refund within 30 days.", None, False, "does not contain 'REFUND'"),
    ({"type": "contains", "value": "REFUND", "case_sensitive": False}, "refund", None, True, "contains 'REFUND'"),
    ({"type": "not_contains", "value": "Sorry"}, "Sorry, I can't.", None, False, "contains 'Sorry'"),
    ({"type": "not_contains", "value": "sorry"}, "Here you go.", None, True, "does not contain 'sorry'"),
    ({"type": "regex", "pattern": r"\d{3}-\d{4}"}, "Call 555-1234 now", None, True, r"matches /\d{3}-\d{4}/"),
    ({"type": "regex", "pattern": r"^\d+$"}, "12a", None, False, r"does not match /^\d+$/"),
    ({"type": "json_valid"}, '{"a": 1}', None, True, "valid JSON"),
    ({"type": "json_valid"}, "{a: 1}", None, False, "not valid JSON: Expecting property name enclosed in double"),
    ({"type": "json_schema", "schema": {"type": "object", "properties": {"n": {"type": "integer"}}}},
     '{"n": "x"}', None, False, "at $.n: 'x' is not of type 'integer'"),
    ({"type": "json_schema", "schema": {"type": "object", "required": ["n"]}}, '{"n": 1}', None, True,
     "follows the schema"),
    ({"type": "json_schema", "schema": {"type": "object"}}, "nope", None, False, "not valid JSON"),
    ({"type": "numeric", "tolerance": 0.5}, "About 41.7 km", "42", True, "41.7 vs expected 42"),
    ({"type": "numeric", "tolerance": 0.01, "relative": True}, "1,050", "1000", False,
     "1050 vs expected 1000 (difference 50, allowed 10)"),
    ({"type": "numeric"}, "-3.5e2 degrees", "-350", True, "-350 vs expected -350"),
    ({"type": "numeric"}, "no idea", "3", False, "the output holds no number"),
    ({"type": "numeric"}, "3", "three", False, "the expected output holds no number"),
    ({"type": "numeric"}, "3", None, False, "no expected output"),
    ({"type": "length", "max_chars": 5}, "too long", None, False, "8 characters, more than 5"),
    ({"type": "length", "min_chars": 10}, "short", None, False, "5 characters, fewer than 10"),
    ({"type": "length", "min_chars": 1, "max_chars": 5}, "ok", None, True, "2 characters"),
])
async def test_each_evaluator_gives_a_verdict_and_a_reason(
    config: dict[str, Any], output: str, expected: str | None, passed: bool, reason: str
) -> None:
    verdict = await judge(config, output, expected)

    assert verdict.passed is passed
    assert verdict.score == (1.0 if passed else 0.0)
    assert verdict.reason.startswith(reason)


def test_every_type_has_a_description_and_evaluators_are_named() -> None:
    assert set(EVALUATOR_TYPES) == {"exact_match", "contains", "not_contains", "regex", "json_valid", "json_schema",
                                    "numeric", "length", "similarity", "llm_judge", "custom"}
    evaluator = evaluator_from_config({"type": "regex", "pattern": "x"})
    assert (evaluator.type, evaluator.name) == ("regex", "regex")
    assert evaluator_from_config({"type": "json_valid", "label": "Parses"}).name == "Parses"


@pytest.mark.parametrize("config, message, field", [
    ({"type": "nope"}, "type: 'nope' is not an evaluator type (known: exact_match, contains", "type"),
    ({"value": "x"}, "type: None is not an evaluator type", "type"),
    ({"type": "regex", "pattern": "("}, "regex evaluator, pattern: not a regular expression: missing ), ", "pattern"),
    ({"type": "regex", "pattern": "a" * 501}, "pattern: String should have at most 500 characters", "pattern"),
    ({"type": "json_schema", "schema": {"type": "nope"}}, "schema: not a JSON Schema: 'nope' is not valid", "schema"),
    ({"type": "numeric", "tolerance": -1}, "tolerance: Input should be greater than or equal to 0", "tolerance"),
    ({"type": "length"}, "length evaluator, length: give min_chars, max_chars or both", "length"),
    ({"type": "length", "min_chars": 5, "max_chars": 2}, "min_chars is above max_chars", "length"),
    ({"type": "contains"}, "contains evaluator, value: Field required", "value"),
    ({"type": "similarity", "threshold": 1.5}, "threshold: Input should be less than or equal to 1", "threshold"),
    ({"type": "llm_judge", "model": {"provider": "x"}, "rubric": "r"}, "model.model: Field required", "model.model"),
    ({"type": "exact_match", "typo": True}, "typo: Extra inputs are not permitted", "typo"),
    ({"type": "custom", "name": "missing"}, "no custom evaluator 'missing' is installed", "name"),
])
def test_a_bad_config_is_refused_naming_the_field(config: dict[str, Any], message: str, field: str) -> None:
    with pytest.raises(EvaluatorConfigError) as refused:
        evaluator_from_config(config)

    assert message in str(refused.value)
    assert refused.value.field == field


def embed_from(vectors: dict[str, list[float]]) -> module.Embed:
    def embed(texts: list[str]) -> list[list[float]]:
        return [vectors[text] for text in texts]

    return embed


async def test_similarity_uses_the_embedding_model_and_says_when_there_is_none() -> None:
    tools = EvalTools(embed=embed_from({"a cat sat": [1.0, 0.0], "a cat was sitting": [0.8, 0.6],
                                        "revenue grew": [-0.6, 0.8]}))
    close = await judge({"type": "similarity", "threshold": 0.75}, "a cat was sitting", "a cat sat", tools)
    strict = await judge({"type": "similarity", "threshold": 0.85}, "a cat was sitting", "a cat sat", tools)
    far = await judge({"type": "similarity"}, "revenue grew", "a cat sat", tools)
    without = await judge({"type": "similarity"}, "a cat sat", "a cat sat")
    unexpected = await judge({"type": "similarity"}, "a cat sat", None, tools)

    assert close.passed and math.isclose(close.score, 0.8) and close.reason == "similarity 0.800 (threshold 0.75)"
    assert not strict.passed and math.isclose(strict.score, 0.8)
    assert not far.passed and far.score == 0.0
    assert without == Verdict(0.0, False, "no embedding model")
    assert unexpected.reason == "no expected output"


@pytest.mark.slow
async def test_similarity_with_the_bundled_minilm() -> None:
    from runtime.providers.embeddings import SentenceEmbedder, minilm_dir

    tools = EvalTools(embed=SentenceEmbedder(minilm_dir()).embed)
    config = {"type": "similarity", "threshold": 0.7}

    same = await judge(config, "A cat was sitting on the mat.", "The cat sat on the mat.", tools)
    different = await judge(config, "Quarterly revenue grew", "The cat sat on the mat.", tools)

    assert same.passed, same.reason
    assert not different.passed and different.score < 0.3, different.reason


JUDGE_CONFIG = {"type": "llm_judge", "model": {"provider": "local", "model": "judge"}, "rubric": "Polite and correct."}


async def test_the_llm_judge_asks_with_the_rubric_and_reads_its_score() -> None:
    asked: list[tuple[str, str]] = []

    async def judge_model(system: str, user: str) -> str:
        asked.append((system, user))
        return 'Sure: {"score": 0.9, "reason": "polite and correct"}'

    verdict = await judge(JUDGE_CONFIG, "Hello, it is Paris.", "Paris", EvalTools(judge=judge_model),
                          inputs={"question": "Capital of France?"})

    assert verdict == Verdict(0.9, True, "polite and correct")
    system, user = asked[0]
    assert "Polite and correct." in system and '"score"' in system
    assert "Capital of France?" in user and "Expected answer:\nParis" in user and "Hello, it is Paris." in user


async def test_the_llm_judge_fails_the_cell_when_it_cannot_judge() -> None:
    async def rambling(system: str, user: str) -> str:
        return "I think it is fine"

    async def offline(system: str, user: str) -> str:
        raise ConnectionError("judge unreachable")

    assert await judge(JUDGE_CONFIG, "x") == Verdict(0.0, False, "no judge model")
    assert (await judge(JUDGE_CONFIG, "x", tools=EvalTools(judge=rambling))).reason == (
        "judge answer not understood: 'I think it is fine'")
    assert await judge(JUDGE_CONFIG, "x", tools=EvalTools(judge=offline)) == Verdict(
        0.0, False, "evaluator error: ConnectionError: judge unreachable")


@pytest.mark.parametrize("answer, expected", [
    ('{"score": 0.3, "reason": "vague"}', (0.3, "vague")),
    ('```json\n{"score": 1, "reason": "exact"}\n```', (1.0, "exact")),
    ('{"score": 4, "reason": "good"}', (0.75, "good")),
    ('{"score": 5}', (1.0, "")),
    ('{"score": "0.6", "reason": "ok"}', (0.6, "ok")),
    ('Thinking {not json} then {"score": 0.5, "reason": "borderline"}', (0.5, "borderline")),
    ("PASS: exactly right", (1.0, "exactly right")),
    ("**FAIL** - wrong city\nIt said Lyon.", (0.0, "wrong city It said Lyon.")),
    ("passed", (1.0, "")),
    ("I think it is fine", None),
    ('{"score": true}', None),
    ('{"score": 7}', None),
    ("", None),
])
def test_judge_answers_are_read_robustly(answer: str, expected: tuple[float, str] | None) -> None:
    assert parse_judgement(answer) == expected


class FakeEntryPoint:
    def __init__(self, name: str, target: Any) -> None:
        self.name = name
        self._target = target

    def load(self) -> Any:
        return self._target


def install(monkeypatch: pytest.MonkeyPatch, **targets: Any) -> None:
    def entry_points(group: str) -> list[FakeEntryPoint]:
        return [FakeEntryPoint(n, t) for n, t in targets.items()] if group == module.ENTRY_POINT_GROUP else []

    monkeypatch.setattr(module.importlib.metadata, "entry_points", entry_points)


async def test_a_custom_evaluator_installed_as_an_entry_point(monkeypatch: pytest.MonkeyPatch) -> None:
    def shouting(cell: Cell, settings: dict[str, Any]) -> float:
        return sum(ch.isupper() for ch in cell.output) / max(1, len(cell.output)) * settings.get("weight", 1)

    def polite(cell: Cell, settings: dict[str, Any]) -> bool:
        return "please" in cell.output

    async def verdict(cell: Cell, settings: dict[str, Any]) -> Verdict:
        return Verdict(0.25, False, "too terse")

    install(monkeypatch, shouting=shouting, polite=polite, terse=verdict)

    loud = await judge({"type": "custom", "name": "shouting"}, "HELLO THERE")
    quiet = await judge({"type": "custom", "name": "shouting", "options": {"weight": 0}}, "HELLO")
    asked = await judge({"type": "custom", "name": "polite"}, "please sit")
    terse = await judge({"type": "custom", "name": "terse"}, "no")

    assert loud.passed and loud.score == pytest.approx(10 / 11) and loud.reason == "shouting: 0.91"
    assert not quiet.passed and quiet.score == 0.0
    assert asked == Verdict(1.0, True, "polite: pass")
    assert terse == Verdict(0.25, False, "too terse")
    assert evaluator_from_config({"type": "custom", "name": "polite"}).name == "polite"


async def test_an_unknown_custom_evaluator_lists_the_installed_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    install(monkeypatch, polite=lambda cell, settings: True, shouting=lambda cell, settings: 1.0)

    with pytest.raises(EvaluatorConfigError, match=r"no custom evaluator 'rude' is installed \(installed: polite, "
                                                   r"shouting\)"):
        evaluator_from_config({"type": "custom", "name": "rude"})


async def test_an_evaluator_that_breaks_fails_the_cell_with_its_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(cell: Cell, settings: dict[str, Any]) -> float:
        raise RuntimeError("boom")

    install(monkeypatch, broken=broken, odd=lambda cell, settings: "yes")

    assert await judge({"type": "custom", "name": "broken"}, "x") == Verdict(
        0.0, False, "evaluator error: RuntimeError: boom")
    odd = await judge({"type": "custom", "name": "odd"}, "x")
    assert not odd.passed and odd.reason.startswith("evaluator error: TypeError: odd returned str")


def test_a_verdict_score_is_between_zero_and_one() -> None:
    with pytest.raises(ValueError, match="between 0 and 1"):
        Verdict(1.5, True, "too good")
