"""``llmops`` as a user runs it: a real subprocess, its exit code, stdout and stderr."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from runtime.cli.knowledge import split_document
from runtime.cli.report import unshown_part
from runtime.cli.source import UsageProblem, parse_inputs
from runtime.spec import GraphSpec
from tests.runtime.net.local_server import local_server
from tests.runtime.support import openai_stand_in as stand_in
from tests.runtime.support.openai_stand_in import Reply, StandInServer

ROOT = Path(__file__).resolve().parents[2]
APPS = ROOT / "fixtures" / "apps"
SCRIPT = Path(sys.executable).with_name("llmops")

# The stand-in OpenAI-compatible server's fixtures (a session server, a clean script per test).
stand_in_server = stand_in.stand_in_server
openai_stand_in = stand_in.openai_stand_in

TINY = """
name: Greeter
description: A template-only graph (no model).
inputs:
  - {name: name, type: string}
  - {name: times, type: number, required: false, default: 1}
nodes:
  - {id: start, type: start}
  - id: greet
    type: template
    config: {template: "Hello {{ inputs.name }} x{{ inputs.times }}!"}
  - id: answer
    type: answer
    config: {template: "{{ greet.text }}"}
edges:
  - {id: e1, source: start, target: greet}
  - {id: e2, source: greet, target: answer}
"""

BROKEN = """
name: Broken
nodes:
  - {id: start, type: start}
  - {id: beam, type: teleport}
  - {id: end, type: end}
edges:
  - {id: e1, source: start, target: end}
  - {id: e_ghost, source: start, target: ghost}
"""


def llmops(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    command = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "runtime.cli"]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("LLMOPS_OPENAI_BASE_URL", None)
    return subprocess.run(
        [*command, *args], check=False, capture_output=True, text=True, timeout=timeout, cwd=ROOT, env=env
    )


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    path = tmp_path / "greeter.yaml"
    path.write_text(TINY)
    return path


def trace_rows(stderr: str) -> dict[str, list[str]]:
    """node id -> cells of its row in the trace table (after the header and ---- line)."""
    lines = stderr.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("node ") and "latency ms" in line)
    rows = {}
    for line in lines[start + 2 :]:
        if not line.strip():
            break
        cells = line.split()
        rows[cells[0]] = cells
    return rows


# --- help --------------------------------------------------------------------------------------
def test_help_lists_the_commands_with_examples():
    done = llmops("--help")
    assert done.returncode == 0
    for needle in ("validate", "run", "bench", "examples:", "exit codes"):
        assert needle in done.stdout


@pytest.mark.parametrize("command", ["validate", "run", "bench"])
def test_each_command_has_help_with_examples(command: str):
    done = llmops(command, "--help")
    assert done.returncode == 0
    assert "examples:" in done.stdout and f"llmops {command}" in done.stdout


# --- validate ----------------------------------------------------------------------------------
def test_validate_accepts_an_example_app():
    done = llmops("validate", str(APPS / "support_triage.yaml"))
    assert done.returncode == 0, done.stderr
    assert "valid" in done.stdout and "8 nodes" in done.stdout


def test_validate_lists_every_issue_with_code_and_place(tmp_path: Path):
    path = tmp_path / "broken.yaml"
    path.write_text(BROKEN)
    done = llmops("validate", str(path))
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert "3 issue(s)" in lines[0]  # the unknown node is also unreachable
    dangling = next(line for line in lines if "dangling_edge" in line)
    assert "edge e_ghost" in dangling and "ghost" in dangling
    unknown = next(line for line in lines if "unknown_node_type" in line)
    assert "node beam" in unknown and "field type" in unknown and "teleport" in unknown


def test_validate_json_output(tmp_path: Path):
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(GraphSpec.from_yaml(BROKEN).to_dict()))
    done = llmops("validate", str(path), "--json")
    assert done.returncode == 1
    report = json.loads(done.stdout)
    assert report["valid"] is False
    assert {i["code"] for i in report["issues"]} == {"dangling_edge", "unknown_node_type", "unreachable_node"}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("nodes: [unclosed\n", "not valid YAML (line"),
        ("- just\n- a list\n", "not a list"),
        ("", "not an empty file"),
        ("nodes:\n  - {id: 'bad id', type: start}\n", "not a graph spec"),
    ],
    ids=["bad-yaml", "list", "empty", "bad-spec"],
)
def test_validate_unparseable_file_exits_2_without_traceback(tmp_path: Path, content: str, message: str):
    path = tmp_path / "app.yaml"
    path.write_text(content)
    done = llmops("validate", str(path))
    assert done.returncode == 2
    assert message.replace("not ", "", 1) in done.stderr
    assert "Traceback" not in done.stderr


def test_validate_missing_file_exits_2(tmp_path: Path):
    done = llmops("validate", str(tmp_path / "nope.yaml"))
    assert done.returncode == 2
    assert "no such file" in done.stderr and "Traceback" not in done.stderr


# --- run: no model -----------------------------------------------------------------------------
def test_run_prints_the_answer_and_a_trace_table(tiny: Path):
    done = llmops("run", str(tiny), "--input", "name=Ada", "--input", "times=3")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "Hello Ada x3!"
    rows = trace_rows(done.stderr)
    assert list(rows) == ["start", "greet", "answer"]
    assert all(cells[2] == "succeeded" for cells in rows.values())
    assert "run succeeded" in done.stderr


def test_run_json_gives_outputs_trace_and_events(tiny: Path):
    done = llmops("run", str(tiny), "--input", "name=Ada", "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["status"] == "succeeded"
    assert result["outputs"] == {"answer": "Hello Ada x1!"}
    assert [row["node"] for row in result["trace"]] == ["start", "greet", "answer"]
    assert result["trace"][1]["latency_ms"] >= 0
    kinds = [event["type"] for event in result["events"]]
    assert kinds[0] == "run.started" and kinds[-1] == "run.finished"
    assert "node.delta" in kinds


def test_run_json_stream_prints_one_event_per_line_then_the_result(tiny: Path):
    done = llmops("run", str(tiny), "--inputs-json", '{"name": "Bo", "times": 2}', "--json", "--stream")
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert lines[0]["type"] == "run.started"
    assert lines[-1]["type"] == "result" and lines[-1]["outputs"] == {"answer": "Hello Bo x2!"}


def test_run_with_invalid_inputs_fails_with_the_error_code(tiny: Path):
    done = llmops("run", str(tiny))
    assert done.returncode == 1
    assert "error [invalid_input]" in done.stderr and "'name' is required" in done.stderr


def test_run_refuses_a_malformed_input_flag(tiny: Path):
    done = llmops("run", str(tiny), "--input", "name")
    assert done.returncode == 2
    assert "name=value" in done.stderr and "Traceback" not in done.stderr


def test_run_refuses_an_invalid_graph(tmp_path: Path):
    path = tmp_path / "broken.yaml"
    path.write_text(BROKEN)
    done = llmops("run", str(path))
    assert done.returncode == 1
    assert "dangling_edge" in done.stderr and "not run" in done.stderr


def test_a_failing_run_exits_1_with_code_node_and_message():
    # The webhook points at this machine, which outbound HTTP refuses unless allowlisted.
    done = llmops(
        "run",
        str(APPS / "webhook_notifier.yaml"),
        "--input",
        "event=deploy_failed",
        "--input",
        "webhook_url=http://127.0.0.1:9/hook",
    )
    assert done.returncode == 1
    assert "error [ssrf_blocked] at node 'post'" in done.stderr
    assert trace_rows(done.stderr)["post"][2] == "failed"
    assert "Traceback" not in done.stderr


def test_run_posts_to_an_allowlisted_local_webhook():
    with local_server() as server:
        done = llmops(
            "run",
            str(APPS / "webhook_notifier.yaml"),
            "--input",
            "event=db_down",
            "--input",
            "severity=9",
            "--input",
            f"webhook_url={server.url('/echo')}",
            "--allow-host",
            server.host_port,
            "--json",
        )
        hits = list(server.hits)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["outputs"]["delivered"] is True
    assert result["outputs"]["message"].startswith(":rotating_light:")
    statuses = {row["node"]: row["status"] for row in result["trace"]}
    assert statuses["warn_text"] == statuses["info_text"] == "skipped"
    assert hits == ["/echo"]


# --- run: OpenAI-compatible provider (stand-in server) -----------------------------------------
def test_run_triage_on_an_openai_compatible_provider_takes_the_scripted_branch(
    openai_stand_in: StandInServer,
):
    reply = "Please update to version 2.1, then send us the exact error message."
    openai_stand_in.script(Reply(text="technical", usage=(40, 1)), Reply(text=reply, usage=(30, 14)))
    done = llmops(
        "run",
        str(APPS / "support_triage.yaml"),
        "--input",
        "message=The app crashes when I log in.",
        "--provider",
        f"standin={openai_stand_in.base_url}",
        "--model",
        "standin/stand-in-chat",
        "--stream",
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(reply)
    assert done.stdout.count(reply) == 1  # streamed once, not repeated by the answer node
    assert "category: technical" in done.stdout
    rows = trace_rows(done.stderr)
    assert rows["billing_reply"][2] == "skipped" and rows["general_reply"][2] == "skipped"
    assert rows["technical_reply"][2:6] == ["succeeded", rows["technical_reply"][3], "30", "14"]
    assert rows["classify"][4:6] == ["40", "1"]
    requests = openai_stand_in.chat_requests()
    assert [r["model"] for r in requests] == ["stand-in-chat", "stand-in-chat"]
    assert requests[1]["stream"] is True
    assert "loading local model" not in done.stderr


def test_provider_error_fails_the_run_with_its_code(openai_stand_in: StandInServer):
    openai_stand_in.script(Reply.error(400, "model not found"))
    done = llmops(
        "run",
        str(APPS / "support_triage.yaml"),
        "--input",
        "message=hi",
        "--provider",
        f"standin={openai_stand_in.base_url}",
        "--model",
        "standin/nope",
    )
    assert done.returncode == 1
    assert "at node 'classify'" in done.stderr and "error [" in done.stderr


# --- run: the real local model -----------------------------------------------------------------
@pytest.mark.slow
def test_run_faq_streams_an_answer_from_the_local_model():
    done = llmops(
        "run",
        str(APPS / "faq_over_docs.yaml"),
        "--knowledge",
        str(APPS / "faq_docs"),
        "--input",
        "question=How do I create an API token?",
        "--stream",
        "--max-tokens",
        "32",
        timeout=240,
    )
    assert done.returncode == 0, done.stderr
    answer, _, sources = done.stdout.partition("Sources:")
    assert answer.strip(), done.stdout
    assert "[1] API tokens" in sources
    assert "loading local model smollm2-135m-instruct" in done.stderr
    rows = trace_rows(done.stderr)
    assert list(rows) == ["start", "search", "numbered", "llm", "answer"]
    assert all(cells[2] == "succeeded" for cells in rows.values())
    assert int(rows["llm"][5]) <= 32


# --- bench -------------------------------------------------------------------------------------
def test_bench_prints_the_w1_w2_w3_rows():
    done = llmops("bench", "--runs", "50", "--w3-runs", "5", "--warmup", "10")
    assert done.returncode == 0, done.stderr
    for row in ("W1 chain of 10", "W2 branch", "W3 fan-out, async model", "W3 fan-out, blocking model"):
        assert row in done.stdout


# --- the pieces, in process --------------------------------------------------------------------
def test_inputs_follow_the_declared_types():
    spec = GraphSpec.from_yaml(
        "inputs: [{name: n, type: number}, {name: ok, type: boolean}, {name: items, type: array}]"
    )
    got = parse_inputs(spec, ["n=2.5", "ok=yes", "items=[1, 2]", "extra=a=b"], '{"n": 1}')
    assert got == {"n": 2.5, "ok": True, "items": [1, 2], "extra": "a=b"}
    with pytest.raises(UsageProblem, match="not a number"):
        parse_inputs(spec, ["n=many"], None)


def test_documents_split_into_paragraphs_that_keep_their_heading():
    passages = split_document("# Tokens\n\nCreate one.\n\n## Revoking\n\nDelete it.\nAt once.\n", "t.md")
    assert [p.text for p in passages] == ["# Tokens Create one.", "## Revoking Delete it. At once."]
    assert {p.title for p in passages} == {"Tokens"}


@pytest.mark.parametrize(
    ("answer", "streamed", "shown"),
    [
        ("Hello there.", ["Hello there."], ""),
        ("Hello there.\n\nSources:\n[1] a", ["Hello there."], "\n\nSources:\n[1] a"),
        ("42", ["[1] calculator(6*7) -> 42\n42"], ""),
        ("Fresh text", ["something else"], "Fresh text"),
    ],
)
def test_the_streamed_answer_is_not_shown_twice(answer: str, streamed: list[str], shown: str):
    assert unshown_part(answer, streamed) == shown
