"""Playground columns side by side: one prompt on four model columns, each streamed by the local
OpenAI stand-in (50 ms before the first token, then a token every 10 ms), executed as the
playground executes them — four recorded runs in one event loop of one worker task — next to the
strongest plain alternative: the four streaming calls made with ``openai.AsyncOpenAI`` under
``asyncio.gather``, recording nothing.

Prints each column's wall time (run started → stored), the group's wall time, the slowest
column, and the plain calls' wall time. The columns run in parallel when the group's wall time is
close to its slowest column (not the sum of the four).

    python -m benchmarks.playground_columns [--rounds 5]

Uses its own embedded PostgreSQL data folder (.data/bench-playground)."""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("LLMOPS_DATA_DIR", str(ROOT / ".data" / "bench-playground"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "builder.settings.dev")

COLUMNS = 4
ANSWER = "Owls hunt at night with silent feathers and very good ears, and they swallow small prey whole."


def _setup(stand_in_url: str) -> None:
    os.environ["LLMOPS_HTTP_ALLOWLIST"] = urlparse(stand_in_url).netloc
    os.environ["LLMOPS_OPENAI_BASE_URL"] = stand_in_url
    os.environ["LLMOPS_OPENAI_PROVIDER_NAME"] = "standin"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


async def _plain(base_url: str) -> float:
    from openai import AsyncOpenAI

    client = AsyncOpenAI(base_url=base_url, api_key="not-needed", max_retries=0)

    async def one(i: int) -> str:
        stream = await client.chat.completions.create(
            model="gpt-test", stream=True,
            messages=[{"role": "system", "content": "You are a naturalist."},
                      {"role": "user", "content": f"Explain owls ({i})."}],
        )
        return "".join([chunk.choices[0].delta.content or "" async for chunk in stream if chunk.choices])

    started = time.perf_counter()
    await asyncio.gather(*(one(i) for i in range(COLUMNS)))
    wall = time.perf_counter() - started
    await client.close()
    return wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    from tests.runtime.support.openai_stand_in import Reply, StandInServer

    stand_in = StandInServer(default_text=ANSWER).start()
    stand_in.latency_s = 0.05
    _setup(stand_in.base_url)

    from builder.accounts.models import Membership, User, Workspace
    from builder.playground.services import PlaygroundPrompt, playground_start
    from builder.runs.models import Run
    from builder.runs.services import runs_execute

    user, _ = User.objects.get_or_create(username="bench-playground")
    workspace, _ = Workspace.objects.get_or_create(name="Bench playground", defaults={"slug": "bench-playground"})
    Membership.objects.get_or_create(user=user, workspace=workspace, defaults={"role": "owner"})
    prompt = PlaygroundPrompt.draft(
        [{"role": "system", "template": "You are a {{ role }}."}, {"role": "user", "template": "Explain {{ topic }}."}],
        [{"name": "role", "type": "text"}, {"name": "topic", "type": "text"}],
    )
    columns = [{"provider": "standin", "model": "gpt-test", "temperature": t} for t in (0.0, 0.3, 0.7, 1.0)]

    groups, slowest, plain = [], [], []
    per_column: list[list[float]] = [[] for _ in range(COLUMNS)]
    for round_ in range(args.rounds + 1):  # the first round warms up (connections, compiled templates)
        stand_in.script(*[Reply(text=ANSWER, chunk_delay_s=0.01) for _ in range(COLUMNS)])
        _, runs = playground_start(workspace=workspace, user=user, prompt=prompt,
                                   values={"role": "naturalist", "topic": "owls"}, columns=columns)
        started = time.perf_counter()
        runs_execute(run_ids=[str(r.pk) for r in runs])
        group_wall = time.perf_counter() - started
        stored = list(Run.objects.filter(pk__in=[r.pk for r in runs]).order_by("group_index"))
        assert all(r.status == "succeeded" for r in stored), [(r.status, r.error_message) for r in stored]
        walls = [(r.finished_at - r.started_at).total_seconds() for r in stored]
        stand_in.script(*[Reply(text=ANSWER, chunk_delay_s=0.01) for _ in range(COLUMNS)])
        plain_wall = asyncio.run(_plain(stand_in.base_url))
        if round_ == 0:
            continue
        groups.append(group_wall)
        slowest.append(max(walls))
        plain.append(plain_wall)
        for i, wall in enumerate(walls):
            per_column[i].append(wall)
    stand_in.stop()

    ms = 1000
    print(f"Playground: {COLUMNS} columns streaming from the stand-in (50 ms to the first token, "
          f"10 ms per token, {len(ANSWER.split())} tokens); {args.rounds} rounds, medians; "
          f"{os.cpu_count()} CPUs")
    for i, walls in enumerate(per_column):
        print(f"  column {i + 1}: {statistics.median(walls) * ms:7.1f} ms (run started → stored)")
    print(f"  slowest column:                  {statistics.median(slowest) * ms:7.1f} ms")
    print(f"  the group (all {COLUMNS} columns):        {statistics.median(groups) * ms:7.1f} ms"
          f"   (sum of the columns: {sum(statistics.median(w) for w in per_column) * ms:.1f} ms)")
    print(f"  plain AsyncOpenAI, {COLUMNS} streams gathered: {statistics.median(plain) * ms:7.1f} ms "
          "(nothing recorded)")


if __name__ == "__main__":
    main()
