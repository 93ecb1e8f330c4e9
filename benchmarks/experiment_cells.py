"""An experiment of 600 cells: 200 dataset rows × 3 prompt versions, every cell a chat call to the
local OpenAI stand-in (answering each request after 50 ms), executed as the experiment job
executes it — ``experiment_execute`` in this process, at most ``--concurrency`` cells at once per
provider, each cell a recorded run — next to two plain loops over the same 600 calls made with
``openai.AsyncOpenAI``, recording nothing: one call after the other (the serial loop people
write first), and ``asyncio.gather`` bounded by a semaphore of the same concurrency (the
strongest plain alternative).

Prints each setup's wall time and cells per second, and checks that every cell of the experiment
is done with a run of its own. Asserts no speed.

    python -m benchmarks.experiment_cells [--concurrency 32] [--rows 200] [--rounds 3]

Uses its own embedded PostgreSQL data folder (.data/bench-experiments). The job is not queued
to a broker: the benchmark executes it itself."""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
import uuid
from pathlib import Path
from unittest import mock
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("LLMOPS_DATA_DIR", str(ROOT / ".data" / "bench-experiments"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "builder.settings.dev")

VARIANTS = 3
LATENCY_S = 0.05
ANSWER = "A short answer from the stand-in model."
MODEL = {"provider": "standin", "model": "gpt-test"}
TEMPLATES = ["Answer briefly: {{ question }}", "Answer in one sentence: {{ question }}",
             "You are precise. {{ question }}"]


def _setup(stand_in_url: str) -> None:
    os.environ["LLMOPS_HTTP_ALLOWLIST"] = urlparse(stand_in_url).netloc
    os.environ["LLMOPS_OPENAI_BASE_URL"] = stand_in_url
    os.environ["LLMOPS_OPENAI_PROVIDER_NAME"] = "standin"
    import django

    django.setup()
    import logging

    from django.core.management import call_command

    for name in ("httpx", "httpx2"):  # a line per request would drown the figures
        logging.getLogger(name).setLevel(logging.WARNING)

    call_command("migrate", verbosity=0)


def _messages(i: int, variant: int) -> list[dict[str, str]]:
    return [{"role": "user", "content": TEMPLATES[variant].replace("{{ question }}", f"What is item {i}?")}]


async def _serial(base_url: str, rows: int) -> float:
    from openai import AsyncOpenAI

    client = AsyncOpenAI(base_url=base_url, api_key="not-needed", max_retries=0)
    await client.chat.completions.create(model="gpt-test", messages=_messages(0, 0))  # warm the connection
    started = time.perf_counter()
    for i in range(rows):
        for v in range(VARIANTS):
            await client.chat.completions.create(model="gpt-test", messages=_messages(i, v))
    wall = time.perf_counter() - started
    await client.close()
    return wall


async def _gathered(base_url: str, rows: int, concurrency: int) -> float:
    from openai import AsyncOpenAI

    client = AsyncOpenAI(base_url=base_url, api_key="not-needed", max_retries=0)
    await client.chat.completions.create(model="gpt-test", messages=_messages(0, 0))
    gate = asyncio.Semaphore(concurrency)

    async def one(i: int, v: int) -> str:
        async with gate:
            reply = await client.chat.completions.create(model="gpt-test", messages=_messages(i, v))
            return reply.choices[0].message.content or ""

    started = time.perf_counter()
    answers = await asyncio.gather(*(one(i, v) for i in range(rows) for v in range(VARIANTS)))
    wall = time.perf_counter() - started
    assert len(answers) == rows * VARIANTS and all(answers)
    await client.close()
    return wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=32, help="cells at once per provider")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of the experiment and of the gathered calls")
    parser.add_argument("--skip-serial", action="store_true", help="leave out the serial loop (~30 s)")
    args = parser.parse_args()
    cells = args.rows * VARIANTS

    from tests.runtime.support.openai_stand_in import StandInServer

    stand_in = StandInServer(default_text=ANSWER).start()
    stand_in.latency_s = LATENCY_S
    _setup(stand_in.base_url)

    from builder.accounts.models import Membership, User, Workspace
    from builder.datasets.selectors import version_get
    from builder.datasets.services import dataset_create
    from builder.experiments.executor import experiment_execute
    from builder.experiments.models import Cell, Experiment
    from builder.experiments.services import experiment_create
    from builder.jobs.tasks import job_execute_task
    from builder.prompts.services import prompt_create, version_push
    from builder.runs.models import Run
    from runtime.evaluation.rows import Row

    user, _ = User.objects.get_or_create(username="bench-experiments")
    workspace, _ = Workspace.objects.get_or_create(name="Bench experiments", defaults={"slug": "bench-experiments"})
    Membership.objects.get_or_create(user=user, workspace=workspace, defaults={"role": "owner"})
    tag = uuid.uuid4().hex[:8]
    content = {"variables": [{"name": "question"}], "model": MODEL}
    prompt, _ = prompt_create(workspace=workspace, user=user, name=f"bench-{tag}", version={
        **content, "messages": [{"role": "user", "template": TEMPLATES[0]}]})
    for template in TEMPLATES[1:]:
        version_push(prompt=prompt, user=user,
                     content={**content, "messages": [{"role": "user", "template": template}]})
    versions = list(prompt.versions.order_by("number"))

    def experiment(rows: int) -> Experiment:
        dataset = dataset_create(workspace=workspace, user=user, name=f"bench-{tag}-{uuid.uuid4().hex[:6]}",
                                 rows=[Row(inputs={"question": f"What is item {i}?"}) for i in range(rows)])
        with mock.patch.object(job_execute_task, "delay"):  # executed below, in this process
            return experiment_create(
                workspace=workspace, user=user, name="bench", dataset_version=version_get(dataset=dataset),
                variants=[{"prompt_version_id": v.pk, "model": MODEL} for v in versions],
                concurrency=args.concurrency,
            )

    def checked(exp: Experiment) -> None:
        exp.refresh_from_db()
        assert exp.status == "completed" and exp.cells_done == exp.cells_total and exp.cells_failed == 0, (
            exp.status, exp.cells_done, exp.cells_failed)
        run_ids = list(Cell.objects.filter(experiment=exp, status="done").values_list("run_id", flat=True))
        assert len(run_ids) == exp.cells_total and len(set(run_ids)) == exp.cells_total and None not in run_ids
        statuses = set(Run.objects.filter(pk__in=run_ids, source="experiment").values_list("status", flat=True))
        assert statuses == {"succeeded"}, statuses

    warm = experiment(10)  # connections, compiled templates, provider clients
    experiment_execute(experiment_id=warm.pk)
    checked(warm)

    recorded, gathered = [], []
    for _ in range(args.rounds):
        exp = experiment(args.rows)
        started = time.perf_counter()
        experiment_execute(experiment_id=exp.pk)
        recorded.append(time.perf_counter() - started)
        checked(exp)
        gathered.append(asyncio.run(_gathered(stand_in.base_url, args.rows, args.concurrency)))
    serial = None if args.skip_serial else asyncio.run(_serial(stand_in.base_url, args.rows))
    stand_in.stop()

    print(f"Experiment: {args.rows} rows × {VARIANTS} variants = {cells} cells, stand-in answering after "
          f"{LATENCY_S * 1000:.0f} ms; concurrency {args.concurrency} per provider; "
          f"median of {args.rounds} rounds (serial: 1 round); {os.cpu_count()} CPUs")
    print(f"  {'setup':<58} {'wall s':>8} {'cells/s':>8}")
    rows = [("experiment_execute, every cell a recorded run (checked)", statistics.median(recorded)),
            (f"AsyncOpenAI, gather + semaphore({args.concurrency}), nothing recorded", statistics.median(gathered))]
    if serial is not None:
        rows.append(("AsyncOpenAI, serial loop, nothing recorded", serial))
    for name, wall in rows:
        print(f"  {name:<58} {wall:8.2f} {cells / wall:8.1f}")
    print(f"  experiment rounds: {', '.join(f'{w:.2f}' for w in recorded)} s; "
          f"gathered rounds: {', '.join(f'{w:.2f}' for w in gathered)} s")


if __name__ == "__main__":
    main()
