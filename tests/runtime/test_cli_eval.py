"""``llmops eval`` in-process: a prompt file on two model variants and an app file, against the
OpenAI-compatible stand-in server; the matrix, the JSON, the exit codes; server mode against a
scripted platform."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from runtime.cli import evaluate, main
from runtime.cli.evaluate import parse_model_variant, parse_server_variant, read_dataset
from runtime.cli.source import UsageProblem
from runtime.evaluation.stats import wilson_interval
from tests.runtime.support import openai_stand_in as stand_in
from tests.runtime.support.openai_stand_in import Reply, StandInServer

# The stand-in OpenAI-compatible server's fixtures (a session server, a clean script per test).
stand_in_server = stand_in.stand_in_server
openai_stand_in = stand_in.openai_stand_in

PROMPT = """
name: support-answer
commit_message: short answers
messages:
  - {role: system, template: "Answer in one word."}
  - {role: user, template: "{{ question }}"}
variables:
  - {name: question}
model: {provider: standin, model: gpt-test, temperature: 0.2}
"""

#: question → (expected answer, tags)
ROWS = {
    "How do I get my money back?": ("refund", ["billing"]),
    "What do you charge monthly?": ("9 dollars", ["billing"]),
    "Where is my parcel?": ("in transit", ["shipping"]),
    "Which carrier do you use?": ("DHL", ["shipping"]),
    "Who are you?": ("a bot", []),
    "Are you open on Sunday?": ("no", []),
}
BILLING = [q for q, (_, tags) in ROWS.items() if "billing" in tags]

APP = """
name: Greeter
inputs:
  - {name: name, type: string}
  - {name: times, type: number, required: false, default: 1}
nodes:
  - {id: start, type: start}
  - id: answer
    type: answer
    config: {template: "Hello {{ inputs.name }} x{{ inputs.times }}!"}
edges:
  - {id: e1, source: start, target: answer}
"""


def _answer(body: dict[str, Any]) -> Reply:
    """gpt-test knows every answer; gpt-mini only the billing ones."""
    question = body["messages"][-1]["content"]
    known = body["model"] == "gpt-test" or question in BILLING
    return Reply(text=ROWS[question][0] if known else "no idea", usage=(7, 5))


@pytest.fixture
def files(tmp_path: Path) -> dict[str, str]:
    prompt = tmp_path / "support-answer.yaml"
    prompt.write_text(PROMPT)
    rows = tmp_path / "rows.jsonl"
    rows.write_text("".join(
        json.dumps({"inputs": {"question": q}, "expected": expected, "tags": tags}) + "\n"
        for q, (expected, tags) in ROWS.items()
    ))
    app = tmp_path / "greeter.yaml"
    app.write_text(APP)
    return {"prompt": str(prompt), "rows": str(rows), "app": str(app), "dir": str(tmp_path)}


@pytest.fixture
def standin(openai_stand_in: StandInServer) -> list[str]:
    openai_stand_in.responder = _answer
    return ["--provider", f"standin={openai_stand_in.base_url}"]


def eval_(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["eval", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def table(text: str) -> dict[str, list[str]]:
    """First cell → the cells of each line of a printed table (split on two or more spaces)."""
    return {cells[0]: cells for line in text.splitlines() if (cells := re.split(r"\s{2,}", line.strip()))[0]}


def pct(value: float) -> str:
    return f"{value * 100:.1f}%"


# --- local mode: a prompt file on two variants --------------------------------------------------
def test_prompt_file_on_two_variants_prints_the_matrix(
    capsys: pytest.CaptureFixture[str], files: dict[str, str], standin: list[str], openai_stand_in: StandInServer
) -> None:
    code, out, err = eval_(capsys, files["prompt"], "--dataset", files["rows"], *standin,
                           "--variant", "standin/gpt-test", "--variant", "standin/gpt-mini:temperature=0,max_tokens=8",
                           "--evaluator", "exact_match", "--concurrency", "3", "--progress")
    assert code == 0, err
    rows = table(out)
    low, high = wilson_interval(6, 6)
    assert rows["standin/gpt-test"] == ["standin/gpt-test", "6", "6", "100.0%", f"{pct(low)}–{pct(high)}",
                                        rows["standin/gpt-test"][5], "42/30", "0"]
    low, high = wilson_interval(2, 6)
    mini = "standin/gpt-mini:temperature=0,max_tokens=8"
    assert rows[mini][1:5] == ["6", "2", "33.3%", f"{pct(low)}–{pct(high)}"]
    assert rows[mini][6:] == ["42/30", "0"]
    assert rows["billing"] == ["billing", "2/2 100.0%", "2/2 100.0%", "tie"]
    assert rows["shipping"] == ["shipping", "2/2 100.0%", "0/2 0.0%", "standin/gpt-test"]
    assert rows["(untagged)"] == ["(untagged)", "2/2 100.0%", "0/2 0.0%", "standin/gpt-test"]
    assert out.index("billing") < out.index("shipping") < out.index("(untagged)")
    assert "best: standin/gpt-test" in out and "vs standin/gpt-mini" in out and "+66.7 points" in out
    assert "cells 12/12" in err and "12 cells; primary evaluator exact_match" in err
    requests = openai_stand_in.chat_requests()
    assert len(requests) == 12
    mini_requests = [r for r in requests if r["model"] == "gpt-mini"]
    assert {r["temperature"] for r in mini_requests} == {0} and {r["max_tokens"] for r in mini_requests} == {8}
    assert {r.get("temperature") for r in requests if r["model"] == "gpt-test"} == {None}
    assert requests[0]["messages"][0] == {"role": "system", "content": "Answer in one word."}


def test_json_output_and_the_min_ratio_threshold(
    capsys: pytest.CaptureFixture[str], files: dict[str, str], standin: list[str]
) -> None:
    common = [files["prompt"], "--dataset", files["rows"], *standin, "--variant", "standin/gpt-test",
              "--variant", "standin/gpt-mini", "--evaluator", 'contains:{"value": "x", "name": "has-x"}',
              "--evaluator", "exact_match", "--primary", "exact_match"]
    code, out, err = eval_(capsys, *common, "--json", "--min-ratio", "0.3")
    assert code == 0, err
    result = json.loads(out)
    assert result["mode"] == "local" and result["kind"] == "prompt" and result["rows"] == 6
    assert result["primary_evaluator"] == "exact_match"
    assert [e["name"] for e in result["evaluators"]] == ["has-x", "exact_match"]
    test, mini = result["variants"]
    assert (test["name"], test["n"], test["good"], test["ratio"]) == ("standin/gpt-test", 6, 6, 1.0)
    assert (mini["n"], mini["good"]) == (6, 2) and mini["ratio"] == pytest.approx(2 / 6)
    assert (mini["ci_low"], mini["ci_high"]) == pytest.approx(wilson_interval(2, 6))
    assert (test["tokens_in"], test["tokens_out"], test["cells_failed"]) == (42, 30, 0)
    assert test["latency_p50_ms"] > 0
    assert test["evaluators"]["exact_match"]["passed"] == 6 and test["evaluators"]["has-x"]["judged"] == 6
    tasks = {t["task"]: t for t in result["tasks"]}
    assert list(tasks) == ["billing", "shipping", "(untagged)"]
    assert tasks["shipping"]["variants"][str(mini["id"])]["good"] == 0
    assert tasks["billing"]["best_variant_id"] == test["id"]
    assert result["best_variant_id"] == test["id"]
    assert result["comparisons"][0]["other_id"] == mini["id"] and result["comparisons"][0]["pairs"] == 6
    assert result["threshold"] == {"min_ratio": 0.3, "passed": True, "below": []}
    assert len(result["cells"]) == 12 and result["cells"][0]["verdicts"]["exact_match"]["passed"] is True

    code, out, err = eval_(capsys, *common, "--min-ratio", "0.5")
    assert code == 1
    assert "below --min-ratio 0.5: standin/gpt-mini (33.3% of 6)" in err
    assert "standin/gpt-test" not in err.split("below --min-ratio")[1]


def test_the_prompt_files_own_model_is_the_default_variant(
    capsys: pytest.CaptureFixture[str], files: dict[str, str], standin: list[str], openai_stand_in: StandInServer
) -> None:
    code, out, err = eval_(capsys, files["prompt"], "--dataset", files["rows"], *standin,
                           "--evaluator", "exact_match", "--min-ratio", "1")
    assert code == 0, err
    assert table(out)["standin/gpt-test"][1:4] == ["6", "6", "100.0%"]
    assert "best:" not in out  # one variant: nothing to compare
    assert {r["temperature"] for r in openai_stand_in.chat_requests()} == {0.2}


def test_the_openai_provider_comes_from_the_environment(
    capsys: pytest.CaptureFixture[str], files: dict[str, str], openai_stand_in: StandInServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    openai_stand_in.responder = _answer
    monkeypatch.setenv("LLMOPS_OPENAI_BASE_URL", openai_stand_in.base_url)
    code, out, err = eval_(capsys, files["prompt"], "--dataset", files["rows"], "--variant", "openai/gpt-mini",
                           "--evaluator", "exact_match", "--json")
    assert code == 0, err
    assert json.loads(out)["variants"][0]["good"] == 2


def test_a_failed_run_counts_as_bad(
    capsys: pytest.CaptureFixture[str], files: dict[str, str], standin: list[str], openai_stand_in: StandInServer
) -> None:
    openai_stand_in.script(Reply.error(400, "model not found"))
    code, out, err = eval_(capsys, files["prompt"], "--dataset", files["rows"], *standin,
                           "--evaluator", "exact_match", "--concurrency", "1", "--min-ratio", "0.9")
    assert code == 1
    assert table(out)["standin/gpt-test"][1:4] == ["6", "5", "83.3%"]
    assert table(out)["standin/gpt-test"][7] == "1"
    assert "failed: standin/gpt-test, row 1: [" in err and "model not found" in err


def test_an_llm_judge_uses_the_clis_providers(
    capsys: pytest.CaptureFixture[str], files: dict[str, str], standin: list[str], openai_stand_in: StandInServer
) -> None:
    def respond(body: dict[str, Any]) -> Reply:
        if body["model"] == "judge":
            score = 1 if "Answer to grade:\nrefund" in body["messages"][-1]["content"] else 0
            return Reply(text=json.dumps({"score": score, "reason": "checked"}))
        return _answer(body)

    openai_stand_in.responder = respond
    judge = {"model": {"provider": "standin", "model": "judge"}, "rubric": "Mentions a refund."}
    code, out, err = eval_(capsys, files["prompt"], "--dataset", files["rows"], *standin,
                           "--evaluator", "llm_judge:" + json.dumps(judge), "--json")
    assert code == 0, err
    result = json.loads(out)
    assert result["variants"][0]["good"] == 1
    verdicts = [c["verdicts"]["llm_judge"] for c in result["cells"]]
    assert [v["passed"] for v in verdicts] == [True, False, False, False, False, False]
    judged = [r for r in openai_stand_in.chat_requests() if r["model"] == "judge"]
    assert len(judged) == 6 and judged[0]["temperature"] == 0 and "Mentions a refund." in judged[0]["messages"][0][
        "content"]


@pytest.mark.slow
def test_similarity_uses_the_local_embedding_model(
    capsys: pytest.CaptureFixture[str], files: dict[str, str], standin: list[str]
) -> None:
    code, out, err = eval_(capsys, files["prompt"], "--dataset", files["rows"], *standin, "--variant",
                           "standin/gpt-test", "--variant", "standin/gpt-mini", "--evaluator", "similarity", "--json")
    assert code == 0, err
    result = json.loads(out)
    assert [v["good"] for v in result["variants"]] == [6, 2]
    scores = [c["verdicts"]["similarity"]["score"] for c in result["cells"] if c["variant_id"] == 1]
    assert min(scores) > 0.99


# --- local mode: an app file ----------------------------------------------------------------------
def test_an_app_file_is_one_variant(capsys: pytest.CaptureFixture[str], files: dict[str, str]) -> None:
    rows = Path(files["dir"]) / "rows.csv"
    rows.write_text("name,times,expected,tags\nAnn,2,Hello Ann x2!,greet;formal\nBob,,Hello Bob x1!,greet\n"
                    "Cy,3,Hello Cy x1!,\n")
    code, out, err = eval_(capsys, files["app"], "--dataset", str(rows), "--evaluator", "exact_match",
                           "--min-ratio", "0.6", "--json")
    assert code == 0, err
    result = json.loads(out)
    assert result["kind"] == "app"
    (variant,) = result["variants"]
    assert (variant["name"], variant["n"], variant["good"]) == ("Greeter", 3, 2)
    assert variant["tokens_in"] == 0
    tasks = {t["task"]: t["variants"]["1"] for t in result["tasks"]}
    assert {name: (t["good"], t["n"]) for name, t in tasks.items()} == {
        "formal": (1, 1), "greet": (2, 2), "(untagged)": (0, 1)}
    assert [c["output"] for c in result["cells"]] == ["Hello Ann x2!", "Hello Bob x1!", "Hello Cy x3!"]


def test_an_app_run_that_fails_is_bad_and_without_evaluators_success_is_good(
    capsys: pytest.CaptureFixture[str], files: dict[str, str]
) -> None:
    rows = Path(files["dir"]) / "rows.jsonl"
    rows.write_text('{"name": "Ann"}\n{"nickname": "Bo"}\n{"name": "Cy", "times": "many"}\n')
    code, out, err = eval_(capsys, files["app"], "--dataset", str(rows), "--min-ratio", "0.5")
    assert code == 1
    assert table(out)["Greeter"][1:4] == ["3", "1", "33.3%"]
    assert "no evaluator: a run that succeeds is good" in err
    assert "row 2: [" in err and "row 3: [" in err


def test_an_app_file_with_model_variants(
    capsys: pytest.CaptureFixture[str], files: dict[str, str], standin: list[str], openai_stand_in: StandInServer
) -> None:
    app = Path(files["dir"]) / "qa.yaml"
    app.write_text("""
name: QA
inputs: [{name: question, type: string}]
nodes:
  - {id: start, type: start}
  - id: llm
    type: prompt
    config:
      model: {provider: local, model: smollm2-135m-instruct}
      messages: [{role: user, template: "{{ inputs.question }}"}]
  - {id: end, type: end, config: {outputs: {answer: llm.text}}}
edges:
  - {id: e1, source: start, target: llm}
  - {id: e2, source: llm, target: end}
""")
    code, out, err = eval_(capsys, str(app), "--dataset", files["rows"], *standin, "--variant", "standin/gpt-test",
                           "--variant", "standin/gpt-mini", "--evaluator", "exact_match", "--json")
    assert code == 0, err
    result = json.loads(out)
    assert [(v["name"], v["good"]) for v in result["variants"]] == [("standin/gpt-test", 6), ("standin/gpt-mini", 2)]
    assert "loading local model" not in err
    assert {r["model"] for r in openai_stand_in.chat_requests()} == {"gpt-test", "gpt-mini"}


# --- local mode: usage problems exit 2 ------------------------------------------------------------
@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--evaluator", "nope"], "error: evaluator nope: type: 'nope' is not an evaluator type"),
        (["--evaluator", 'regex:{"pattern": "("}'], "error: evaluator regex: regex evaluator, pattern: not a regular"),
        (["--evaluator", "contains:{value"], "the settings after ':' are not JSON"),
        (["--evaluator", "contains"], "error: evaluator contains: contains evaluator, value: Field required"),
        (["--evaluator", "exact_match", "--evaluator", "exact_match"], "two evaluators are named 'exact_match'"),
        (["--evaluator", "exact_match", "--primary", "judge"], "--primary 'judge' is not one of the evaluators"),
        (["--evaluator", 'llm_judge:{"model": {"provider": "nowhere", "model": "m"}, "rubric": "be right"}'],
         "the judge's provider 'nowhere' is not configured"),
        (["--variant", "gpt-test"], "write it as PROVIDER/MODEL"),
        (["--variant", "standin/gpt-test:temperature=9"], "temperature: Input should be less than or equal to 2"),
        (["--variant", "elsewhere/gpt-test"], "provider 'elsewhere' is not configured"),
        (["--min-ratio", "80"], "--min-ratio 80: give a share between 0 and 1"),
    ],
)
def test_bad_arguments_exit_2_with_one_line(
    capsys: pytest.CaptureFixture[str], files: dict[str, str], standin: list[str], flags: list[str], message: str
) -> None:
    code, out, err = eval_(capsys, files["prompt"], "--dataset", files["rows"], *standin, *flags)
    assert code == 2
    assert message in err and len(err.strip().splitlines()) == 1 and err.startswith("error: ")
    assert out == ""


def test_missing_or_unreadable_files_exit_2(capsys: pytest.CaptureFixture[str], files: dict[str, str]) -> None:
    code, _, err = eval_(capsys, files["prompt"], "--dataset", "nowhere.jsonl")
    assert (code, err.strip()) == (2, "error: --dataset nowhere.jsonl: no such file")
    code, _, err = eval_(capsys, "nowhere.yaml", "--dataset", files["rows"])
    assert (code, err.strip()) == (2, "error: nowhere.yaml: no such file")
    code, _, err = eval_(capsys, files["prompt"])
    assert code == 2 and "--dataset" in err
    code, _, err = eval_(capsys, files["prompt"], "--dataset", files["rows"], "--evaluators", "none.yaml")
    assert (code, err.strip()) == (2, "error: --evaluators none.yaml: no such file")
    bad = Path(files["dir"]) / "bad.jsonl"
    bad.write_text('{"inputs": {"question": "hi"}}\nnot json\n')
    code, _, err = eval_(capsys, files["prompt"], "--dataset", str(bad))
    assert code == 2 and "Line 2 is not JSON" in err


def test_evaluators_file_with_a_primary(
    capsys: pytest.CaptureFixture[str], files: dict[str, str], standin: list[str]
) -> None:
    config = Path(files["dir"]) / "evaluators.yaml"
    config.write_text("primary: short\nevaluators:\n  - {type: exact_match}\n"
                      "  - {name: short, type: length, max_chars: 3}\n")
    code, out, err = eval_(capsys, files["prompt"], "--dataset", files["rows"], *standin,
                           "--variant", "standin/gpt-mini", "--evaluators", str(config), "--json")
    assert code == 0, err
    result = json.loads(out)
    assert result["primary_evaluator"] == "short"
    (mini,) = result["variants"]
    assert mini["good"] == 0  # "refund", "9 dollars", "no idea": none of at most 3 characters
    assert mini["evaluators"] == {"exact_match": {"passed": 2, "judged": 6, "mean_score": pytest.approx(2 / 6)},
                                  "short": {"passed": 0, "judged": 6, "mean_score": 0.0}}


# --- reading rows and flags -----------------------------------------------------------------------
def test_csv_rows_split_tags_and_leave_empty_cells_out(tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    path.write_text("question,Expected,tags,note\nHi?,hello, billing ; vip ;,\nBye?,,,x\n")
    first, second = read_dataset(str(path))
    assert (first.inputs, first.expected, first.tags) == ({"question": "Hi?"}, "hello", ["billing", "vip"])
    assert (second.inputs, second.expected, second.tags) == ({"question": "Bye?", "note": "x"}, None, [])


def test_flat_jsonl_rows(tmp_path: Path) -> None:
    path = tmp_path / "rows.jsonl"
    path.write_text('{"question": "2+2?", "expected": 4, "tags": "math"}\n\n{"question": "3+3?"}\n')
    first, second = read_dataset(str(path))
    assert (first.inputs, first.expected, first.tags) == ({"question": "2+2?"}, "4", ["math"])
    assert (second.expected, second.tags) == (None, [])


def test_variant_flags() -> None:
    assert parse_model_variant("openai/gpt-4o-mini:temperature=0.2,max_tokens=64,json_mode=true") == {
        "provider": "openai", "model": "gpt-4o-mini", "temperature": 0.2, "max_tokens": 64, "json_mode": True}
    assert parse_model_variant("ollama/llama3:8b") == {"provider": "ollama", "model": "llama3:8b"}
    with pytest.raises(UsageProblem, match="colour"):
        parse_model_variant("openai/gpt:colour=red")
    assert parse_server_variant("prompt=support@production,model=openai/gpt-4o:temperature=0.2,max_tokens=9") == {
        "ref": "support@production", "name": None,
        "model": {"provider": "openai", "model": "gpt-4o", "temperature": 0.2, "max_tokens": 9}}
    assert parse_server_variant("prompt=support,name=B") == {"ref": "support", "model": {}, "name": "B"}
    with pytest.raises(UsageProblem, match="prompt=NAME@REF"):
        parse_server_variant("model=openai/gpt-4o")


# --- server mode ----------------------------------------------------------------------------------
SUMMARY = {
    "experiment_id": 9,
    "variants": [
        {"id": 31, "name": "support@v2 · gpt-test", "n": 4, "good": 4, "ratio": 1.0, "ci_low": 0.51, "ci_high": 1.0,
         "latency_p50_ms": 120.0, "tokens_in": 40, "tokens_out": 20, "cells_failed": 0},
        {"id": 32, "name": "support@v3 · gpt-mini", "n": 4, "good": 1, "ratio": 0.25, "ci_low": 0.05,
         "ci_high": 0.7, "latency_p50_ms": 80.0, "tokens_in": 40, "tokens_out": 18, "cells_failed": 1},
    ],
    "tasks": [{"task": "billing", "rows": 4, "variants": {"31": {"n": 4, "good": 4, "ratio": 1.0},
                                                        "32": {"n": 4, "good": 1, "ratio": 0.25}},
               "best_variant_id": 31}],
    "best_variant_id": 31,
    "comparisons": [{"better_id": 31, "other_id": 32, "pairs": 4, "difference": 0.75, "p_value": 0.25,
                     "significant": False}],
}


class FakePlatform:
    """The platform's REST API as ``llmops eval`` uses it, scripted."""

    calls: list[tuple[str, str, dict[str, Any]]] = []

    def __init__(self, server: str, token: str, workspace: int) -> None:
        self.server, self.token, self.workspace, self.polls = server, token, workspace, 0

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        self.calls.append((method, path, kwargs))
        if path == "/prompts/resolve/":
            number = 2 if kwargs["params"]["ref"].endswith("production") else 3
            return {"prompt": {"id": 5, "name": "support"}, "version": {"id": 70 + number, "number": number}}
        if method == "POST" and path == "/experiments/":
            return {"id": 9, "name": kwargs["json"]["name"], "status": "queued", "cells_done": 0, "cells_total": 8}
        if path == "/experiments/9/":
            self.polls += 1
            done = min(8, 4 * self.polls)
            return {"id": 9, "status": "completed" if done == 8 else "running", "cells_done": done, "cells_total": 8}
        if path == "/experiments/9/summary/":
            return SUMMARY
        raise AssertionError(f"unexpected call {method} {path}")


def test_server_mode_makes_an_experiment_waits_and_prints_its_summary(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LLMOPS_TOKEN", "llm_test")
    monkeypatch.setattr(evaluate, "Platform", FakePlatform)
    monkeypatch.setattr(evaluate, "POLL_SECONDS", 0)
    FakePlatform.calls = []
    args = ["--server", "http://platform", "--workspace", "1", "--dataset-id", "3",
            "--variant", "prompt=support@production,model=openai/gpt-test",
            "--variant", "prompt=support@staging,model=openai/gpt-mini,temperature=0", "--evaluator", "exact_match",
            "--min-ratio", "0.5", "--name", "nightly"]
    code, out, err = eval_(capsys, *args)
    assert code == 1
    created = next(kw["json"] for method, path, kw in FakePlatform.calls if method == "POST")
    assert created == {
        "name": "nightly", "dataset_id": 3, "concurrency": 4, "primary_evaluator": "exact_match",
        "evaluators": [{"name": "exact_match", "type": "exact_match"}],
        "variants": [{"prompt_version_id": 72, "model": {"provider": "openai", "model": "gpt-test"}},
                     {"prompt_version_id": 73, "model": {"provider": "openai", "model": "gpt-mini", "temperature": 0}}],
    }
    assert [kw["params"]["ref"] for _, path, kw in FakePlatform.calls if path == "/prompts/resolve/"] == [
        "support@production", "support@staging"]
    assert "cells 4/8" in err and "cells 8/8" in err
    rows = table(out)
    assert rows["support@v2 · gpt-test"][1:5] == ["4", "4", "100.0%", "51.0%–100.0%"]
    assert rows["billing"] == ["billing", "4/4 100.0%", "1/4 25.0%", "support@v2 · gpt-test"]
    assert "below --min-ratio 0.5: support@v3 · gpt-mini (25.0% of 4)" in err

    FakePlatform.calls = []
    code, out, _ = eval_(capsys, *args[:-4], "--json")
    assert code == 0
    assert json.loads(out)["experiment_id"] == 9 and json.loads(out)["threshold"]["passed"] is True


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--server", "http://x", "--dataset-id", "3", "--variant", "prompt=a"], "needs --workspace"),
        (["--server", "http://x", "--workspace", "1", "--variant", "prompt=a"], "needs --dataset-id"),
        (["--server", "http://x", "--workspace", "1", "--dataset-id", "3"], "needs at least one --variant"),
        (["--server", "http://x", "--workspace", "1", "--dataset-id", "3", "--variant", "openai/gpt"],
         "write it as prompt=NAME@REF"),
        (["--workspace", "1", "--dataset-id", "3", "--variant", "prompt=a", "--evaluator", "nope"],
         "'nope' is not an evaluator type"),
        (["prompt.yaml", "--server", "http://x", "--workspace", "1", "--dataset-id", "3", "--variant", "prompt=a"],
         "drop FILE"),
    ],
)
def test_server_mode_argument_checks(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, flags: list[str], message: str
) -> None:
    monkeypatch.setenv("LLMOPS_TOKEN", "llm_test")
    code, out, err = eval_(capsys, *flags)
    assert code == 2 and message in err and out == ""


def test_server_mode_needs_a_token(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LLMOPS_TOKEN", raising=False)
    code, _, err = eval_(capsys, "--server", "http://x", "--workspace", "1", "--dataset-id", "3",
                         "--variant", "prompt=a")
    assert code == 2 and "set LLMOPS_TOKEN" in err
