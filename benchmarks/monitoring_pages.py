"""Monitoring pages over a million runs, and whether the rollups keep up with the endpoint.

1. **Load.** ``--runs`` synthetic published runs (default 1,000,000) spread over the last 30 days:
   3 apps × 3 versions, 2 labels, 2 sources, 4 API keys, 2 models, 3 % failures under 3 error
   codes, a third streamed, 2,000 end users, one node trace per run and feedback on 5 % of them —
   written with ``COPY`` into the tables the gateway writes (runs, node traces, API runs,
   feedback). The rollups fill up the way they do in production: the database's triggers on the
   API-run and feedback inserts, here one ``COPY`` of ``--chunk`` rows at a time. Printed: rows/s
   of each table and of the rollup-maintaining inserts.
2. **Pages.** Each page's callbacks as the browser's Dash renderer calls them when a page opens
   (``POST …/_dash-update-component`` through Django's login, membership and CSRF checks, the
   page's SQL over the rollups and its Plotly figures serialised to JSON), in this process with
   Django's test client: per page and filter setting, the median and max of ``--repeat`` calls.
   The browser's own drawing of the figures is not included.
3. **Keeping up.** Live traffic written the way the endpoint's run store writes it — batches of
   50, 200 and 500 runs (its batches grow with the load, up to 500), each one transaction with
   the runs, their node traces and API rows, the runs dated within the last second as live calls
   are — with the rollup trigger on and off, over the loaded tables: the runs/s each sustains,
   next to the endpoint's measured peak (README: 1,962 req/s, two workers).

    python -m benchmarks.monitoring_pages [--runs 1000000] [--repeat 5] [--only pages|keeping-up]

Uses its own embedded PostgreSQL data folder (.data/bench-monitoring); ``--fresh`` empties it
first. Asserts no speed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("LLMOPS_DATA_DIR", str(ROOT / ".data" / "bench-monitoring"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "builder.settings.dev")

ENDPOINT_PEAK_RPS = 1962  # README, "Publish": two workers, 2026-12-05
DAYS = 30
MODELS = ("standin/gpt-small", "standin/gpt-large")
ERRORS = ("model_timeout", "model_rate_limited", "node_failed")

RUN_COLUMNS = ("id", "workspace_id", "app_id", "version_id", "source", "status", "graph", "cancel_requested",
               "target_node_id", "inputs", "outputs", "error_code", "error_message", "error_node_id", "tokens_in",
               "tokens_out", "cost", "latency_ms", "created_at", "started_at", "finished_at")
TRACE_COLUMNS = ("run_id", "app_id", "sequence", "node_id", "node_type", "status", "inputs", "outputs", "handle",
                 "error_code", "error_message", "attempt", "latency_ms", "tokens_in", "tokens_out", "cost",
                 "started_at", "finished_at")
API_COLUMNS = ("run_id", "api_key_id", "label", "end_user", "stream", "first_token_ms", "events")
FEEDBACK_COLUMNS = ("run_id", "rating", "score", "comment", "end_user", "created_at")


def _setup() -> dict[str, Any]:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from builder.accounts.models import Membership, Role, User, Workspace
    from builder.flows.models import App, AppVersion
    from builder.publishing.models import ApiKey

    tag = uuid.uuid4().hex[:8]
    workspace = Workspace.objects.create(name=f"bench {tag}", slug=f"bench-{tag}")
    owner = User.objects.create(username=f"operator-{tag}")
    Membership.objects.create(workspace=workspace, user=owner, role=Role.OWNER)
    apps = []
    for name in ("Support bot", "Search", "Summaries"):
        app = App.objects.create(workspace=workspace, name=name, slug=f"{name.lower().replace(' ', '-')}-{tag}",
                                 draft={})
        versions = [AppVersion.objects.create(app=app, number=n, graph={"nodes": [], "edges": []}).pk
                    for n in (1, 2, 3)]
        apps.append((app.pk, versions))
    keys = [ApiKey.objects.create(workspace=workspace, name=f"key {n}", prefix=f"k{n}{tag[:4]}",
                                  secret_hash=uuid.uuid4().hex).pk for n in range(4)]
    return {"workspace": workspace.pk, "owner": owner, "apps": apps, "keys": keys}


def _tsv(values: tuple[Any, ...]) -> str:
    return "\t".join("\\N" if v is None else str(v) for v in values) + "\n"


def _synthetic(n: int, world: dict[str, Any], now: datetime, rng: random.Random, span: float = DAYS * 86400):
    """(run row, trace row, api row, feedback row or None) for ``n`` runs over the last ``span``
    seconds (DAYS days)."""
    for _ in range(n):
        run_id = uuid.uuid4()
        at = now - timedelta(seconds=rng.random() * span)
        app_id, versions = rng.choice(world["apps"])
        failed = rng.random() < 0.03
        latency = rng.lognormvariate(6.5, 0.6)  # ~ 665 ms median
        tokens_in, tokens_out = rng.randint(50, 800), (0 if failed else rng.randint(20, 400))
        model = rng.choice(MODELS)
        cost = round((tokens_in * 0.5 + tokens_out * 1.5) / 1e6 * (10 if model.endswith("large") else 1), 8)
        stream = rng.random() < 0.33
        iso = at.isoformat()
        run = (run_id, world["workspace"], app_id, rng.choice(versions), rng.choice(("api", "api", "chat")),
               "failed" if failed else "succeeded", "{}", "f", "", "{}", "{}",
               rng.choice(ERRORS) if failed else "", "", "", tokens_in, tokens_out, cost, round(latency, 2), iso,
               iso, iso)
        trace = (run_id, app_id, 1, "llm", "llm", "failed" if failed else "succeeded", json.dumps({"model": model}),
                 "{}", "", "", "", 1, round(latency * 0.9, 2), tokens_in, tokens_out, cost, iso, iso)
        api = (run_id, rng.choice(world["keys"]), rng.choice(("production", "production", "staging")),
               f"user-{rng.randint(1, 2000)}", "t" if stream else "f",
               round(latency * 0.2, 2) if stream and not failed else None, "[]")
        feedback = None
        if rng.random() < 0.05:
            feedback = (run_id, 1 if rng.random() < 0.8 else -1, None, "", "", iso)
        yield run, trace, api, feedback


def _copy(cursor, table: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> float:
    started = time.perf_counter()
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        copy.write("".join(_tsv(r) for r in rows))
    return time.perf_counter() - started


def load(world: dict[str, Any], runs: int, chunk: int) -> None:
    from django.db import connection, transaction

    rng = random.Random(7)
    now = datetime.now(UTC)
    took = {"runs_run": 0.0, "runs_nodetrace": 0.0, "publishing_apirun": 0.0, "publishing_feedback": 0.0}
    counts = dict.fromkeys(took, 0)
    source = _synthetic(runs, world, now, rng)
    started = time.perf_counter()
    done = 0
    while done < runs:
        batch = [next(source) for _ in range(min(chunk, runs - done))]
        with transaction.atomic(), connection.cursor() as cursor:
            for table, columns, index in (("runs_run", RUN_COLUMNS, 0), ("runs_nodetrace", TRACE_COLUMNS, 1),
                                          ("publishing_apirun", API_COLUMNS, 2),
                                          ("publishing_feedback", FEEDBACK_COLUMNS, 3)):
                rows = [b[index] for b in batch if b[index] is not None]
                took[table] += _copy(cursor.connection.cursor(), table, columns, rows)
                counts[table] += len(rows)
        done += len(batch)
        print(f"  loaded {done:,} runs ({time.perf_counter() - started:,.0f} s)", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print("\nLoad (COPY; API-run and feedback rows also update the rollups, through their triggers):")
    print(f"  {'table':<22} {'rows':>10} {'s':>8} {'rows/s':>10}")
    for table, seconds in took.items():
        print(f"  {table:<22} {counts[table]:>10,} {seconds:>8.1f} {counts[table] / seconds:>10,.0f}")
    with connection.cursor() as cursor:
        for table in ("monitoring_runrollup", "monitoring_latencybin", "monitoring_noderollup",
                      "monitoring_feedbackrollup", "monitoring_enduserrollup"):
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - our own table names
            print(f"  {table:<28} {cursor.fetchone()[0]:>10,} rows")


def _loaded(world: dict[str, Any]) -> dict[str, Any]:
    """The workspace with the most runs (an earlier, full run of the benchmark), its apps and keys."""
    from django.db.models import Sum

    from builder.accounts.models import Membership, Role
    from builder.flows.models import App
    from builder.monitoring.models import RunRollup
    from builder.publishing.models import ApiKey

    busiest = (RunRollup.objects.filter(grain="d").values("workspace_id").annotate(n=Sum("runs"))
               .order_by("-n").first())
    if busiest is None:
        raise SystemExit("Nothing loaded yet: run the benchmark once without --only.")
    workspace_id = busiest["workspace_id"]
    owner = Membership.objects.filter(workspace_id=workspace_id, role=Role.OWNER).select_related("user").first()
    apps = [(app.pk, list(app.versions.values_list("pk", flat=True)))
            for app in App.objects.filter(workspace_id=workspace_id)]
    keys = list(ApiKey.objects.filter(workspace_id=workspace_id).values_list("pk", flat=True))
    print(f"Over the {busiest['n']:,} runs loaded earlier ({os.cpu_count()} CPUs)")
    return {"workspace": workspace_id, "owner": owner.user, "apps": apps, "keys": keys}


def _prune() -> None:
    """What the hourly prune task does: minute rows older than their retention go."""
    from builder.monitoring.services import rollups_prune

    started = time.perf_counter()
    removed = rollups_prune(now=datetime.now(UTC))
    print(f"  pruned {removed:,} minute rows past retention ({time.perf_counter() - started:.1f} s)")


def _page_calls(client, workspace_id: int) -> dict[str, list[dict[str, Any]]]:
    """The callbacks each page fires when it opens: those fed by the shared filters."""
    base = f"/monitoring/w/{workspace_id}/"
    deps = client.get(base + "_dash-dependencies").json()
    pages: dict[str, list[dict[str, Any]]] = {"cost": [], "performance": [], "quality": []}
    prefixes = {"cost": "cost-", "performance": "perf-", "quality": "quality-"}
    for callback in deps:
        if callback.get("prevent_initial_call") or not any(i["id"] == "f-range" for i in callback["inputs"]):
            continue
        for page, prefix in prefixes.items():
            if callback["output"].lstrip(".").startswith(prefix):
                pages[page].append(callback)
    return pages


def _call(client, workspace_id: int, callback: dict[str, Any], values: dict[str, Any]) -> tuple[float, dict]:
    def items(kind: str) -> list[dict[str, Any]]:
        return [{"id": i["id"], "property": i["property"], "value": values.get(i["id"])} for i in callback[kind]]

    outputs = [{"id": part.split(".")[0], "property": part.split(".")[1]}
               for part in callback["output"].strip(".").split("...")]
    body = {"output": callback["output"], "outputs": outputs if len(outputs) > 1 else outputs[0],
            "inputs": items("inputs"), "state": items("state"),
            "changedPropIds": [f"{i['id']}.{i['property']}" for i in callback["inputs"]]}
    started = time.perf_counter()
    response = client.post(f"/monitoring/w/{workspace_id}/_dash-update-component", data=json.dumps(body),
                           content_type="application/json")
    seconds = time.perf_counter() - started
    assert response.status_code == 200, response.content[:300]
    return seconds, response.json()["response"]


def pages(world: dict[str, Any], repeat: int) -> None:
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(world["owner"])
    workspace_id = world["workspace"]
    calls = _page_calls(client, workspace_id)
    first_app = world["apps"][0][0]
    settings = [("7 days", {"f-range": "7d"}), ("30 days", {"f-range": "30d"}),
                ("24 hours, one app", {"f-range": "24h", "f-app": first_app}),
                ("1 hour", {"f-range": "1h"})]
    print(f"\nPages (each page's callbacks on opening, Django test client in-process; median / max of {repeat}):")
    print(f"  {'page':<12} {'filters':<20} {'callbacks':>9} {'median ms':>10} {'max ms':>8}")
    for page, callbacks in calls.items():
        for name, filters in settings:
            values: dict[str, Any] = {"theme": "light", "cost-by": "app", "cost-budget-note": None, **filters}
            times = []
            for _ in range(repeat + 1):  # the first call warms caches up and is not counted
                total = 0.0
                for callback in callbacks:
                    seconds, response = _call(client, workspace_id, callback, values)
                    total += seconds
                    compare = response.get("quality-compare", {}).get("value")
                    if compare is not None:
                        values["quality-compare"] = compare  # the comparison callback follows the first
                times.append(total)
            times = times[1:]
            print(f"  {page:<12} {name:<20} {len(callbacks):>9} {statistics.median(times) * 1000:>10.0f} "
                  f"{max(times) * 1000:>8.0f}")


def keeping_up(world: dict[str, Any], batches: int) -> None:
    from django.db import connection, transaction

    rng = random.Random(11)
    print(f"\nKeeping up (live runs in batches as the run store writes them: runs, traces, API rows in one "
          f"transaction; {batches} batches each):")
    print(f"  {'batch':>5} {'rollups on runs/s':>18} {'ms a batch':>11} {'rollups off runs/s':>19} {'ms a batch':>11}")
    try:
        for batch in (50, 200, 500):
            figures = []
            for trigger in ("ENABLE", "DISABLE"):
                with connection.cursor() as cursor:
                    cursor.execute(f"ALTER TABLE publishing_apirun {trigger} TRIGGER monitoring_api_runs")
                took = 0.0
                for _ in range(batches):
                    rows = list(_synthetic(batch, world, datetime.now(UTC), rng, span=1.0))
                    started = time.perf_counter()
                    with transaction.atomic(), connection.cursor() as cursor:
                        raw = cursor.connection.cursor()
                        _copy(raw, "runs_run", RUN_COLUMNS, [r[0] for r in rows])
                        _copy(raw, "runs_nodetrace", TRACE_COLUMNS, [r[1] for r in rows])
                        _copy(raw, "publishing_apirun", API_COLUMNS, [r[2] for r in rows])
                    took += time.perf_counter() - started
                figures.append((batch * batches / took, took / batches * 1000))
            (on, on_ms), (off, off_ms) = figures
            print(f"  {batch:>5} {on:>18,.0f} {on_ms:>11.1f} {off:>19,.0f} {off_ms:>11.1f}")
    finally:
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE publishing_apirun ENABLE TRIGGER monitoring_api_runs")
    print(f"  the endpoint's measured peak: {ENDPOINT_PEAK_RPS:,} req/s (two workers)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=1_000_000)
    parser.add_argument("--chunk", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--batches", type=int, default=25)
    parser.add_argument("--only", choices=("pages", "keeping-up"),
                        help="skip loading: measure over the runs an earlier run of the benchmark loaded")
    parser.add_argument("--fresh", action="store_true", help="empty the benchmark's data folder first")
    args = parser.parse_args()
    if args.fresh:
        import shutil

        shutil.rmtree(os.environ["LLMOPS_DATA_DIR"], ignore_errors=True)
    world = _setup()
    if args.only is None:
        print(f"Monitoring benchmark: {args.runs:,} runs over {DAYS} days, {os.cpu_count()} CPUs")
        load(world, args.runs, args.chunk)
        _prune()
    else:
        world = _loaded(world)
    if args.only in (None, "pages"):
        pages(world, args.repeat)
    if args.only in (None, "keeping-up"):
        keeping_up(world, args.batches)


if __name__ == "__main__":
    main()
