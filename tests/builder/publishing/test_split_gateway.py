"""A/B traffic splits on a real server: a split label's calls land on its arms by weight (within a
stated tolerance over 2,000 runs), an end user always gets the same arm, chat completions and the
web chat follow the split, every stored run records the arm that ran, a pinned version ignores the
split, and promoting an arm sends all traffic to it.

The server caches a label with its split for a second: after a change here, each test polls (with
a deadline) until the server answers with the new split before it counts."""

import itertools
import math
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import httpx
import openai
import pytest

from builder.publishing.services import label_split_promote, label_split_set, web_chat_update
from builder.runs.models import Run
from tests.builder.publishing.graphs import greeting_graph
from tests.builder.publishing.support import bearer, key_for, published, republish
from tests.support.members import make_member

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def canary(member, old_weight=90, new_weight=10):
    """An app with v1 ("Hello") and v2 ("Howdy"), production on v2, split v1 ``old_weight`` % ·
    v2 ``new_weight`` %."""
    app = published(member, greeting_graph("Hello"))
    republish(member, app, greeting_graph("Howdy"))
    label_split_set(app=app, label="production", user=member.user,
                    arms=[{"version": 1, "weight": old_weight}, {"version": 2, "weight": new_weight}])
    return app


def call(client, server, app, user=None, **body):
    response = client.post(f"{server}/v1/apps/{app.slug}/run",
                           json={"inputs": {"name": "Ada"}, **({"user": user} if user else {}), **body})
    assert response.status_code == 200, response.text
    return response.json()


def until(served, what: str, timeout: float = 8.0):
    """Call ``served()`` until it answers truthy (the server's cache has caught up)."""
    deadline = time.monotonic() + timeout
    while not (answer := served()):
        assert time.monotonic() < deadline, f"the server never served {what}"
        time.sleep(0.05)
    return answer


def many(fn, items, workers=8):
    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(fn, items))


def stored_versions(app, count: int, source: str, timeout: float = 30.0) -> Counter:
    """Version number → runs of ``source`` stored for the app, once ``count`` of them are stored."""
    deadline = time.monotonic() + timeout
    while (stored := Run.objects.filter(app=app, source=source).count()) < count:
        assert time.monotonic() < deadline, f"only {stored} of {count} runs were stored"
        time.sleep(0.1)
    return Counter(Run.objects.filter(app=app, source=source).values_list("version__number", flat=True))


def test_2000_calls_land_on_the_arms_by_weight_and_each_stored_run_records_its_arm(server):
    member = make_member()
    app = canary(member)
    with httpx.Client(headers=bearer(key_for(member)), timeout=20) as client:
        until(lambda: call(client, server, app)["version"] == 1, "the split")
        warmup = Run.objects.filter(app=app).count()
        answers = many(lambda _: call(client, server, app), range(2000))

    versions = Counter(a["version"] for a in answers)
    # Binomial(2000, 0.1): mean 200, sigma 13.4; 4 sigma either side fails once in ~16,000 runs.
    sigma = math.sqrt(2000 * 0.1 * 0.9)
    assert set(versions) == {1, 2}
    assert abs(versions[2] - 200) <= 4 * sigma, versions
    assert {a["outputs"]["answer"] for a in answers if a["version"] == 2} == {"Howdy, Ada!"}
    assert {a["outputs"]["answer"] for a in answers if a["version"] == 1} == {"Hello, Ada!"}
    assert {a["label"] for a in answers} == {"production"}
    stored_versions(app, warmup + 2000, "api")
    by_run = {str(pk): number for pk, number in Run.objects.filter(
        pk__in=[a["run_id"] for a in answers]).values_list("pk", "version__number")}
    assert by_run == {a["run_id"]: a["version"] for a in answers}


def test_the_same_user_always_gets_the_same_version(server):
    member = make_member()
    app = canary(member, 50, 50)
    users = [f"user-{i}" for i in range(150)]
    with httpx.Client(headers=bearer(key_for(member)), timeout=20) as client:
        until(lambda: call(client, server, app)["version"] == 1, "the split")
        rounds = [many(lambda u: call(client, server, app, user=u)["version"], users) for _ in range(3)]

    assert rounds[0] == rounds[1] == rounds[2], "a user changed arms while the split stayed the same"
    # Binomial(150, 0.5): mean 75, sigma 6.1; the users spread over both arms within 4 sigma.
    assert abs(rounds[0].count(2) - 75) <= 4 * math.sqrt(150 * 0.25)
    run = Run.objects.filter(app=app, api__end_user="user-7").select_related("version").first()
    assert run.version.number == rounds[0][7]


def test_a_pinned_version_ignores_the_split(server):
    member = make_member()
    app = canary(member, 10, 90)
    with httpx.Client(headers=bearer(key_for(member)), timeout=20) as client:
        until(lambda: call(client, server, app)["version"] == 1, "the split")
        pinned = many(lambda _: call(client, server, app, version=1)["version"], range(60))

    assert set(pinned) == {1}


def test_promoting_the_winner_sends_all_traffic_to_it(server):
    member = make_member()
    app = canary(member)
    with httpx.Client(headers=bearer(key_for(member)), timeout=20) as client:
        # a user the split serves the old version: once they get v2, the promotion is served
        user = until(lambda: next((u for u in (f"u{i}" for i in range(50))
                                   if call(client, server, app, user=u)["version"] == 1), None), "the split")
        label_split_promote(app=app, label="production", version_number=2, user=member.user)
        until(lambda: call(client, server, app, user=user)["version"] == 2, "the promotion")
        after = many(lambda i: call(client, server, app, user=f"after-{i % 20}" if i % 2 else None), range(200))

    assert {a["version"] for a in after} == {2}
    assert {a["outputs"]["answer"] for a in after} == {"Howdy, Ada!"}


def test_chat_completions_follow_the_split_per_user(server):
    member = make_member()
    app = canary(member, 50, 50)
    chat = openai.OpenAI(base_url=f"{server}/v1", api_key=key_for(member), max_retries=0)

    def complete(user):
        reply = chat.chat.completions.create(model=f"{app.slug}@production", user=user,
                                             messages=[{"role": "user", "content": "Ada"}])
        return reply.system_fingerprint, reply.choices[0].message.content, reply.model_extra["run_id"]

    until(lambda: complete(None)[0] == "v1", "the split")
    users = [f"chatter-{i}" for i in range(40)]
    first = many(complete, users)
    again = many(complete, users)

    assert [f for f, _, _ in first] == [f for f, _, _ in again], "a chat user changed arms"
    assert {f for f, _, _ in first} == {"v1", "v2"}  # 40 users at 50/50: both arms (all on one: 2e-12)
    assert all(text == ("Hello, Ada!" if f == "v1" else "Howdy, Ada!") for f, text, _ in first)
    stored = dict(Run.objects.filter(pk__in=[r for _, _, r in first]).values_list("pk", "version__number"))
    assert sorted(f"v{n}" for n in stored.values()) == sorted(f for f, _, _ in first)


def test_the_web_chat_follows_the_split_per_visitor(server):
    member = make_member()
    app = canary(member, 50, 50)
    token = web_chat_update(app=app, enabled=True, rate_limit_per_minute=None).web_chat_token

    def ask(visitor):
        response = httpx.post(f"{server}/v1/share/{token}/chat", timeout=20, json={
            "messages": [{"role": "user", "content": "Ada"}], **({"visitor": visitor} if visitor else {})})
        assert response.status_code == 200, response.text
        return response.json()["answer"]

    probes = (f"probe-{i}" for i in itertools.count())
    until(lambda: ask(next(probes)) == "Hello, Ada!", "the split")
    visitors = [f"visitor-{i}" for i in range(30)]
    first = many(ask, visitors)
    again = many(ask, visitors)
    anonymous = [ask(None) for _ in range(5)]

    assert first == again, "a visitor changed arms mid-conversation"
    assert set(first) == {"Hello, Ada!", "Howdy, Ada!"}  # 30 visitors at 50/50: both arms (all on one: 2e-9)
    assert len(set(anonymous)) == 1, "without an id, the visitor's address keeps them on one arm"
