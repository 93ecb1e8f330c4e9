"""The closed loop, timed end to end on the platform as `make run` starts it (web server, worker,
fine-tuning worker, beat; the embedded PostgreSQL in .data/bench-loop), on the demo data and the
bundled model (SmolLM2-135M-Instruct on the CPU). Every step is what its user does, through the
platform's own API:

 1. publish   the owner publishes "Zarnovia helpdesk" and makes an API key;
 2. traffic   a visitor asks it the helpdesk questions through /v1 and gives most answers a thumbs down;
 3. sample    the "Support answers" queue's rules take every thumbs down (and 10 % of the rest);
 4. review    two reviewers score each item and write the corrected answer; the owner settles a
              disagreement;
 5. export    the queue's completed items become a dataset;
 6. finetune  LoRA on that dataset with the platform's defaults; base vs tuned runs by itself on the
              held-out rows;
 7. version   app v2 calls the tuned model;
 8. compare   an experiment compares app v1 and v2 on the held-out rows (similarity to the corrected
              answers);
 9. promote   v2 goes to staging from the matrix, then gets 10 % of production;
10. split     the visitor's next calls go through the split;
11. winner    v2 serves all of production; its lineage page reads the loop back.

Prints each step's wall-clock time with what it produced, and the total. Asserts no speed.

    .venv/bin/python -m benchmarks.closed_loop [--paraphrases 8] [--epochs 3] [--keep]

--keep keeps the data folder (default: a fresh one each run)."""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / ".data" / "bench-loop"

#: Five rules of a made-up phone company the bundled model cannot know, each asked in several ways.
FACTS: dict[str, tuple[str, list[str]]] = {
    "cancel": ("Send CANCEL to 4040 from your phone; the contract ends at the end of the month.", [
        "How do I cancel my contract?", "I want to end my subscription, what do I do?",
        "How can I stop my phone contract?", "What is the way to cancel Zarnovia Telecom?",
        "Can you tell me how to terminate my plan?", "How do I quit my mobile contract?",
        "I'd like to cancel, how does it work?", "Steps to cancel my Zarnovia contract?"]),
    "refund": ("Refunds arrive within 5 working days on the card you paid with.", [
        "When will I get my refund?", "How long does a refund take?", "Where is my money back?",
        "How many days until the refund arrives?", "I was promised a refund, when does it come?",
        "How fast are refunds paid?", "When do refunds reach my card?", "What is the refund time?"]),
    "router": ("Hold the red button on the back of the Quellport router for 10 seconds.", [
        "How do I restart my router?", "My Quellport router is stuck, what should I do?",
        "How can I reset the Quellport?", "The internet box froze, how do I reboot it?",
        "What resets the router?", "How to reboot the Quellport router?",
        "My router does not work, how do I restart it?", "Which button restarts the router?"]),
    "roaming": ("Roaming is free in every country of the Zarnovian Union.", [
        "Does roaming cost extra?", "Is roaming free abroad?", "How much is roaming?",
        "Will I pay for calls when I travel?", "What does roaming cost in the Union?",
        "Do I pay roaming fees?", "Is using my phone abroad free?", "Roaming prices?"]),
    "hours": ("The helpdesk answers from 8:00 to 20:00, Monday to Saturday.", [
        "When is the helpdesk open?", "What are your opening hours?", "Can I call you on Sunday?",
        "What time does support close?", "When can I reach customer service?", "Helpdesk hours?",
        "Are you open in the evening?", "At what time does the helpdesk open?"]),
}


def _setup() -> None:
    os.environ["LLMOPS_DATA_DIR"] = str(DATA)
    os.environ["DJANGO_SETTINGS_MODULE"] = "builder.settings.dev"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Api:
    """The REST API as a member with a personal access token, and /v1 as a visitor with a key."""

    def __init__(self, base: str, token: str, workspace: int):
        import httpx

        self.base = base
        self.ws = f"{base}/api/workspaces/{workspace}"
        self.http = httpx.Client(headers={"Authorization": f"Bearer {token}"}, timeout=300)

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.http.request(method, self.ws + path, **kwargs)
        if response.status_code >= 400:
            raise SystemExit(f"{method} {path}: HTTP {response.status_code} {response.text[:500]}")
        return response.json() if response.content else None


def _wait(what: str, check: Callable[[], Any], timeout: float) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise SystemExit(f"{what}: not done within {timeout:.0f} s")
        time.sleep(1)


def main() -> None:  # noqa: C901 - one function reads as the loop it times
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--paraphrases", type=int, default=8, help="questions per fact (5 facts; default 8)")
    parser.add_argument("--epochs", type=int, help="fine-tuning epochs (default: the platform's)")
    parser.add_argument("--keep", action="store_true", help="keep .data/bench-loop from an earlier run")
    args = parser.parse_args()
    if not args.keep and DATA.exists():
        shutil.rmtree(DATA)
    _setup()

    from benchmarks.publishing_load import machine
    from builder.accounts.models import Membership, Role, User
    from builder.accounts.services import access_token_create
    from builder.flows.models import App
    from builder.studio.demo import demo_load
    from builder.studio.launcher import Supervisor

    owner, _ = User.objects.get_or_create(username="owner")
    reviewer, _ = User.objects.get_or_create(username="reviewer")
    workspace = demo_load(owner=owner)
    Membership.objects.get_or_create(workspace=workspace, user=reviewer, defaults={"role": Role.ANNOTATOR})
    app = App.objects.get(workspace=workspace, name="Zarnovia helpdesk")
    as_owner = access_token_create(user=owner, name="loop")[1]
    as_reviewer = access_token_create(user=reviewer, name="loop")[1]
    answers = {q: answer for answer, questions in FACTS.values() for q in questions[:args.paraphrases]}

    supervisor = Supervisor("127.0.0.1", _free_port())
    started = time.perf_counter()
    _quietly(supervisor.start, DATA / "platform.log")  # the processes' logs go to a file, the figures here
    try:
        if not supervisor.wait_until_serving(timeout=180):
            raise SystemExit("the platform did not start")
        base = f"http://127.0.0.1:{supervisor.port}"
        print(f"# closed loop on {machine()}; platform up in {time.perf_counter() - started:.1f} s", flush=True)
        steps = _loop(base, workspace.pk, app.pk, app.slug, as_owner, as_reviewer, answers, args.epochs)
    finally:
        supervisor.stop()
    width = max(len(name) for name, _, _ in steps)
    print(f"\n{'step':<{width}}  {'wall s':>7}  what it produced")
    for name, seconds, what in steps:
        print(f"{name:<{width}}  {seconds:7.1f}  {what}")
    print(f"{'total':<{width}}  {sum(s for _, s, _ in steps):7.1f}")


def _quietly(start: Callable[[], None], log: Path) -> None:
    """Start the platform's processes with their output in ``log`` (they inherit our descriptors)."""
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    with open(log, "ab") as out:
        os.dup2(out.fileno(), 1)
        os.dup2(out.fileno(), 2)
        try:
            start()
        finally:
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            os.close(saved[0])
            os.close(saved[1])


def _loop(base: str, ws: int, app_id: int, slug: str, as_owner: str, as_reviewer: str,
          answers: dict[str, str], epochs: int | None) -> list[tuple[str, float, str]]:
    import httpx

    owner, reviewer = Api(base, as_owner, ws), Api(base, as_reviewer, ws)
    steps: list[tuple[str, float, str]] = []

    def step(name: str, run: Callable[[], str]) -> None:
        began = time.perf_counter()
        what = run()
        steps.append((name, time.perf_counter() - began, what))
        print(f"{name}: {steps[-1][1]:.1f} s — {what}", flush=True)

    state: dict[str, Any] = {}
    queue = next(q for q in owner.call("GET", "/annotation/queues/")["results"] if q["name"] == "Support answers")
    owner.call("PATCH", f"/annotation/queues/{queue['id']}/", json={"required_reviews": 2})
    configs = {c["name"]: c["id"] for c in owner.call("GET", "/annotation/score-configs/")["results"]}

    def publish() -> str:
        published = owner.call("POST", f"/apps/{app_id}/publish/", json={"message": "first answers"})
        state["key"] = owner.call("POST", "/api-keys/", json={"name": "visitor", "app_id": app_id})["secret"]
        return f"production → v{published['production_version']}, an API key for the visitor"

    def traffic() -> str:
        visitor = httpx.Client(headers={"Authorization": f"Bearer {state['key']}"}, timeout=120)
        down = 0
        for i, question in enumerate(answers):
            run = visitor.post(f"{base}/v1/apps/{slug}/run", json={"inputs": {"question": question},
                                                                   "user": f"visitor-{i}"}).json()
            if i % 4 != 3:  # three answers in four get a thumbs down
                visitor.post(f"{base}/v1/runs/{run['run_id']}/feedback", json={"rating": -1}).raise_for_status()
                down += 1
        return f"{len(answers)} answers through /v1, {down} thumbs down"

    def sample() -> str:
        owner.call("POST", f"/annotation/queues/{queue['id']}/rules/scan/")
        items = owner.call("GET", f"/annotation/queues/{queue['id']}/items/", params={"limit": 500})
        state["items"] = items["count"]
        return f"{items['count']} items in Support answers"

    def review() -> str:
        reviews, disagreed = 0, None
        for who, member in (("owner", owner), ("reviewer", reviewer)):
            item = member.call("POST", f"/annotation/queues/{queue['id']}/next/", json={})
            while item:
                question = str((item.get("input") or {}).get("question", ""))
                verdict = "no"
                if who == "reviewer" and disagreed is None:
                    verdict, disagreed = "partly", item["id"]
                scores = {str(configs["Correct"]): verdict, str(configs["Helpful"]): 1, str(configs["Polite"]): True}
                done = member.call("POST", f"/annotation/queues/{queue['id']}/items/{item['id']}/review/",
                                   params={"next": 1},
                                   json={"scores": scores, "corrected_output": answers.get(question, "")})
                reviews += 1
                item = done.get("next")
        if disagreed is not None:
            owner.call("POST", f"/annotation/queues/{queue['id']}/items/{disagreed}/adjudicate/",
                       json={"scores": {str(configs["Correct"]): "no"}})
        return f"{reviews} reviews by 2 reviewers, {1 if disagreed else 0} disagreement settled"

    def export() -> str:
        exported = owner.call("POST", f"/annotation/queues/{queue['id']}/export-dataset/",
                              json={"name": "Helpdesk corrections"})
        state["dataset"] = exported["dataset_id"]
        return f"dataset v{exported['version_number']} with {exported['rows']} rows"

    def finetune() -> str:
        body: dict[str, Any] = {"name": "helpdesk", "dataset_id": state["dataset"]}
        if epochs:
            body["epochs"] = epochs
        job = owner.call("POST", "/finetune/jobs/", json=body)
        job = _wait("fine-tuning", lambda: _finished(owner.call("GET", f"/finetune/jobs/{job['id']}/")), 3600)
        if job["status"] != "succeeded":
            raise SystemExit(f"fine-tuning {job['status']}: {job.get('error')}")
        state["model"] = job["model"]
        evaluation = _wait("base vs tuned", lambda: _evaluated(owner.call("GET", f"/finetune/jobs/{job['id']}/")),
                           1800)["evaluation"]
        state["evaluation"] = evaluation["experiment_id"]
        summary = owner.call("GET", f"/experiments/{evaluation['experiment_id']}/summary/")
        ratios = " vs ".join(f"{v['good']}/{v['n']}" for v in summary["variants"])
        loss = job["val_losses"]
        return (f"{job['method']} {job['epochs']} epochs on {job['train_rows']} rows, validation loss "
                f"{loss[0][1]:.2f} → {loss[-1][1]:.2f}; base vs tuned on the held-out rows {ratios}")

    def version() -> str:
        draft = owner.call("GET", f"/apps/{app_id}/draft/")
        graph = draft["graph"]
        for node in graph["nodes"]:
            if node.get("type") == "prompt":
                node["config"]["model"]["model"] = state["model"]
        owner.call("PUT", f"/apps/{app_id}/draft/", json={"graph": graph, "revision": draft["revision"]})
        saved = owner.call("POST", f"/apps/{app_id}/versions/", json={"message": "the tuned model"})
        state["v2"] = saved["number"]
        return f"v{saved['number']} calls {state['model']}"

    def compare() -> str:
        rows = owner.call("GET", f"/experiments/{state['evaluation']}/rows/", params={"limit": 500})["results"]
        experiment = owner.call("POST", "/experiments/", json={
            "name": "Helpdesk v1 vs v2", "dataset_id": state["dataset"],
            "variants": [{"app_id": app_id, "app_version": 1}, {"app_id": app_id, "app_version": state["v2"]}],
            "evaluators": [{"name": "similarity", "type": "similarity", "threshold": 0.8}],
            "row_ids": [r["row"]["id"] for r in rows], "concurrency": 2})
        _wait("the experiment", lambda: owner.call("GET", f"/experiments/{experiment['id']}/")["status"]
              in ("completed", "failed", "cancelled"), 1800)
        state["experiment"] = experiment
        summary = owner.call("GET", f"/experiments/{experiment['id']}/summary/")
        ratios = ", ".join(f"{v['name']} {v['good']}/{v['n']}" for v in summary["variants"])
        return f"{len(rows)} held-out rows × 2 versions: {ratios}"

    def promote() -> str:
        experiment = state["experiment"]
        variant = experiment["variants"][1]["id"]
        path = f"/experiments/{experiment['id']}/variants/{variant}/promote/"
        owner.call("POST", path, json={"label": "staging"})
        split = owner.call("POST", path, json={"label": "production", "share": 10})["split"]
        return "staging → v2; production " + " · ".join(f"v{a['version']} {a['weight']} %" for a in split)

    def split() -> str:
        visitor = httpx.Client(headers={"Authorization": f"Bearer {state['key']}"}, timeout=120)
        served: Counter[int] = Counter()
        for i, question in enumerate(answers):
            answer = visitor.post(f"{base}/v1/apps/{slug}/run", json={"inputs": {"question": question},
                                                                      "user": f"customer-{i}"}).json()
            served[answer["version"]] += 1
        return f"{len(answers)} calls: " + ", ".join(f"v{v} {n}" for v, n in sorted(served.items()))

    def winner() -> str:
        label = owner.call("POST", f"/apps/{app_id}/labels/production/promote/", json={"version": state["v2"]})
        lineage = owner.call("GET", f"/apps/{app_id}/versions/{state['v2']}/lineage/")
        data = lineage["datasets"][0]
        return (f"production → v{label['version']} for everyone; lineage: {len(lineage['moves'])} label moves, "
                f"dataset of {data['rows']} rows from {sum(q['items'] for q in data['queues'])} reviewed items")

    for name, run in (("publish", publish), ("traffic", traffic), ("sample", sample), ("review", review),
                      ("export", export), ("finetune", finetune), ("version", version), ("compare", compare),
                      ("promote", promote), ("split", split), ("winner", winner)):
        step(name, run)
    return steps


def _finished(job: dict[str, Any]) -> dict[str, Any] | None:
    return job if job["status"] in ("succeeded", "failed", "cancelled") else None


def _evaluated(job: dict[str, Any]) -> dict[str, Any] | None:
    evaluation = job.get("evaluation")
    return job if evaluation and evaluation["status"] in ("completed", "failed", "cancelled") else None


if __name__ == "__main__":
    main()
