"""Idempotency keys, per-key rate limits, and persistence: every answered run is stored, also
under concurrency and across a clean shutdown."""

import asyncio

import httpx
import pytest

from builder.runs.models import Run
from tests.builder.publishing.graphs import greeting_graph, prompt_graph
from tests.builder.publishing.support import bearer, gateway_server, key_for, published, wait_for_run
from tests.runtime.support.openai_stand_in import Reply
from tests.support.members import make_member

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def test_an_idempotency_key_returns_the_first_run_instead_of_running_twice(server):
    member = make_member()
    app = published(member, greeting_graph())
    headers = bearer(key_for(member))
    body = {"inputs": {"name": "Ada"}, "idempotency_key": "order-42"}
    url = f"{server}/v1/apps/{app.slug}/run"

    first = httpx.post(url, json=body, headers=headers)
    again = httpx.post(url, json=body, headers=headers)
    wait_for_run(first.json()["run_id"])
    later = httpx.post(url, json=body, headers=headers)

    assert first.json()["run_id"] == again.json()["run_id"] == later.json()["run_id"]
    assert again.headers["idempotent-replayed"] == "true" and later.headers["idempotent-replayed"] == "true"
    assert later.json()["outputs"] == first.json()["outputs"]
    assert Run.objects.filter(app=app).count() == 1


def concurrently(*requests: tuple[str, dict, dict]) -> list[httpx.Response]:
    async def calls():
        async with httpx.AsyncClient(timeout=30, limits=httpx.Limits(max_connections=64)) as http:
            return await asyncio.gather(*[http.post(url, json=body, headers=headers)
                                          for url, body, headers in requests])

    return asyncio.run(calls())


def test_concurrent_calls_with_one_idempotency_key_share_one_run(server, openai_stand_in):
    openai_stand_in.script(Reply(text="once", delay_s=0.5))
    member = make_member()
    app = published(member, prompt_graph())
    headers = bearer(key_for(member))
    body = {"inputs": {"query": "x"}, "idempotency_key": "same"}

    answers = concurrently(*[(f"{server}/v1/apps/{app.slug}/run", body, headers)] * 3)

    assert len({a.json()["run_id"] for a in answers}) == 1
    assert len(openai_stand_in.chat_requests()) == 1
    wait_for_run(answers[0].json()["run_id"])


def test_a_key_over_its_rate_limit_gets_429_with_retry_after(server):
    member = make_member()
    app = published(member, greeting_graph())
    headers = bearer(key_for(member, rate_limit_per_minute=2))
    url = f"{server}/v1/apps/{app.slug}/run"

    answers = [httpx.post(url, json={"inputs": {"name": "A"}}, headers=headers) for _ in range(3)]

    assert [a.status_code for a in answers] == [200, 200, 429]
    wait_for_run(answers[1].json()["run_id"])
    assert answers[2].json()["error"]["code"] == "rate_limited"
    assert 1 <= int(answers[2].headers["retry-after"]) <= 30
    unlimited = bearer(key_for(member))
    assert httpx.post(url, json={"inputs": {"name": "A"}}, headers=unlimited).status_code == 200


def test_every_answered_run_is_stored_under_concurrency(server, openai_stand_in):
    openai_stand_in.latency_s = 0.05
    member = make_member()
    app = published(member, prompt_graph())
    headers = bearer(key_for(member))

    answers = concurrently(*[(f"{server}/v1/apps/{app.slug}/run",
                              {"inputs": {"query": f"q{i}"}, "stream": i % 2 == 0}, headers) for i in range(120)])

    run_ids = {a.headers["x-run-id"] if a.headers["content-type"].startswith("text/event-stream")
               else a.json()["run_id"] for a in answers}
    assert all(a.status_code == 200 for a in answers) and len(run_ids) == 120
    for run_id in run_ids:
        wait_for_run(run_id)


def test_a_clean_shutdown_writes_every_answered_run_first(stand_in_server, openai_stand_in):
    member = make_member()
    app = published(member, prompt_graph())
    headers = bearer(key_for(member))
    openai_stand_in.latency_s = 0.2

    # A long batch wait: nothing is written before the server is told to stop.
    with gateway_server(stand_in_server, LLMOPS_V1_BATCH_WAIT_SECONDS="30") as base:
        answers = concurrently(*[(f"{base}/v1/apps/{app.slug}/run", {"inputs": {"query": str(i)}}, headers)
                                 for i in range(40)])
        assert Run.objects.filter(app=app).count() < 40  # still queued in the server

    assert all(a.status_code == 200 for a in answers)
    assert Run.objects.filter(app=app, source="api", status="succeeded").count() == 40


def test_a_rate_limit_holds_across_server_processes(server, stand_in_server):
    """Two gateway processes (as two workers would be) share one key's count."""
    member = make_member()
    app = published(member, greeting_graph())
    headers = bearer(key_for(member, rate_limit_per_minute=4))

    with gateway_server(stand_in_server) as other:
        answers = [httpx.post(f"{base}/v1/apps/{app.slug}/run", json={"inputs": {"name": "A"}}, headers=headers)
                   for base in (server, other, server, other, server, other)]

    assert [a.status_code for a in answers] == [200, 200, 200, 200, 429, 429]
    assert all(int(a.headers["retry-after"]) >= 1 for a in answers[4:])
