"""Time to the next item on the review screen, on a local server.

A queue of ``--items`` traced runs (each with a five-node trace, a question and a few-hundred-word
answer), three score configs, two reviews wanted per item. ``--reviewers`` reviewers work through
it at once against the platform served by uvicorn (one worker, as ``make run`` starts it), each
over one kept-alive HTTP connection with a personal access token, the way the review screen
calls the API:

* **submit + next**: ``POST …/items/<id>/review/?next=1`` — stores the review and answers the next
  claimed item, its input, output, trace and progress, in the same response. This is the wait a
  reviewer sees after pressing Enter when nothing was preloaded.
* **claim (preload)**: ``POST …/next/`` with the current item excluded — what the screen does while
  the reviewer reads, so that the next item is already in the browser when they submit.

Prints p50 / p95 / max of each in milliseconds and checks that every item got exactly two reviews
from two different people. Asserts no speed.

    python -m benchmarks.review_next_item [--items 200] [--reviewers 4]

Uses its own embedded PostgreSQL data folder (.data/bench-review).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import sys
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("LLMOPS_DATA_DIR", str(ROOT / ".data" / "bench-review"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "builder.settings.dev")

from benchmarks.publishing_load import database_url, free_port, stop, uvicorn, wait_http  # noqa: E402

ANSWER = " ".join(["The answer explains the steps in detail."] * 40)


def _setup(items: int, reviewers: int) -> tuple[int, int, list[str], dict[str, object]]:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from builder.accounts.models import Membership, Role, User, Workspace
    from builder.accounts.services import access_token_create
    from builder.annotation import services
    from builder.flows.models import App
    from builder.runs.models import NodeTrace, Run, RunSource, RunStatus

    tag = uuid.uuid4().hex[:8]
    workspace = Workspace.objects.create(name=f"bench {tag}", slug=f"bench-{tag}")
    owner = User.objects.create(username=f"owner-{tag}")
    Membership.objects.create(workspace=workspace, user=owner, role=Role.OWNER)
    tokens = []
    for n in range(reviewers):
        user = User.objects.create(username=f"reviewer{n}-{tag}")
        Membership.objects.create(workspace=workspace, user=user, role=Role.ANNOTATOR)
        tokens.append(access_token_create(user=user, name="bench")[1])
    app = App.objects.create(workspace=workspace, name="Support", slug=f"support-{tag}", draft={})
    runs = Run.objects.bulk_create([
        Run(workspace=workspace, app=app, source=RunSource.API, status=RunStatus.SUCCEEDED, graph={},
            inputs={"question": f"How do I fix problem {i}?"}, outputs={"answer": f"{i}: {ANSWER}"}, latency_ms=900)
        for i in range(items)])
    NodeTrace.objects.bulk_create([
        NodeTrace(run=run, app=app, sequence=s, node_id=f"node_{s}", node_type=kind, status="succeeded",
                  inputs={"query": run.inputs["question"]}, outputs={"text": ANSWER[:400]}, latency_ms=100)
        for run in runs for s, kind in enumerate(("start", "retrieval", "llm", "code", "end"))])
    correct = services.score_config_create(workspace=workspace, name="Correct", kind="categorical",
                                           options=["yes", "partly", "no"])
    helpful = services.score_config_create(workspace=workspace, name="Helpful", kind="numeric", min_value=1,
                                           max_value=5, step=1)
    polite = services.score_config_create(workspace=workspace, name="Polite", kind="boolean")
    queue = services.queue_create(workspace=workspace, user=owner, name="Bench queue", required_reviews=2,
                                  score_config_ids=[correct.pk, helpful.pk, polite.pk])
    services.items_add_runs(queue=queue, run_ids=[str(r.pk) for r in runs])
    scores = {str(correct.pk): "yes", str(helpful.pk): 4, str(polite.pk): True}
    return workspace.pk, queue.pk, tokens, scores


class Reviewer(threading.Thread):
    def __init__(self, port: int, token: str, base: str, scores: dict[str, object]):
        super().__init__()
        self.conn = http.client.HTTPConnection("127.0.0.1", port)
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        self.base, self.scores = base, scores
        self.submit_ms: list[float] = []
        self.claim_ms: list[float] = []
        self.reviewed: list[int] = []

    def post(self, path: str, body: dict[str, object]) -> tuple[int, dict | None]:
        self.conn.request("POST", self.base + path, json.dumps(body), self.headers)
        response = self.conn.getresponse()
        data = response.read()
        return response.status, json.loads(data) if data else None

    def run(self) -> None:
        status, item = self.post("next/", {})
        while status == 200 and item:
            started = time.perf_counter()
            self.post("next/", {"exclude": [item["id"]]})  # the preload: the next claim
            self.claim_ms.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            status, answer = self.post(f"items/{item['id']}/review/?next=1", {"scores": self.scores})
            self.submit_ms.append((time.perf_counter() - started) * 1000)
            assert status == 200, answer
            self.reviewed.append(item["id"])
            item = answer["next"] if answer else None


def _figures(name: str, values: list[float]) -> str:
    values = sorted(values)
    p95 = values[int(len(values) * 0.95) - 1]
    return f"{name:<22} p50 {statistics.median(values):6.1f} ms   p95 {p95:6.1f} ms   max {values[-1]:6.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", type=int, default=200)
    parser.add_argument("--reviewers", type=int, default=4)
    args = parser.parse_args()
    workspace_id, queue_id, tokens, scores = _setup(args.items, args.reviewers)
    port = free_port()
    server = uvicorn("builder.asgi:application", port, 1, {"DATABASE_URL": database_url()})
    try:
        wait_http(f"http://127.0.0.1:{port}/healthz", server)
        base = f"/api/workspaces/{workspace_id}/annotation/queues/{queue_id}/"
        reviewers = [Reviewer(port, token, base, scores) for token in tokens]
        started = time.perf_counter()
        for reviewer in reviewers:
            reviewer.start()
        for reviewer in reviewers:
            reviewer.join()
        wall = time.perf_counter() - started
    finally:
        stop(server)

    from collections import Counter

    from builder.annotation.models import Review, ReviewStatus

    per_item = Counter(Review.objects.filter(item__queue_id=queue_id, status=ReviewStatus.SUBMITTED)
                       .values_list("item_id", flat=True))
    reviews = sum(len(r.reviewed) for r in reviewers)
    print(f"{args.items} items × 2 reviews, {args.reviewers} reviewers at once, 1 uvicorn worker, "
          f"5-node traces; {reviews} reviews in {wall:.1f} s")
    print(_figures("submit + next item", [ms for r in reviewers for ms in r.submit_ms]))
    print(_figures("claim (preload)", [ms for r in reviewers for ms in r.claim_ms]))
    ok = len(per_item) == args.items and set(per_item.values()) == {2}
    print("every item reviewed twice by two people:", "yes" if ok else f"NO ({per_item.most_common(3)})")


if __name__ == "__main__":
    main()
