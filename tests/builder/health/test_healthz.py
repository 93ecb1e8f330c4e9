from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from builder.health.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db


def test_healthz_is_public_and_reports_database_and_broker():
    body = Client().get("/healthz").json()

    assert body["checks"]["database"]["ok"] is True and body["checks"]["database"]["pgvector"]
    assert body["checks"]["broker"]["ok"] is True


def test_healthz_is_degraded_until_a_worker_reports_then_ok():
    assert Client().get("/healthz").json()["status"] == "degraded"

    now = timezone.now()
    WorkerHeartbeat.objects.create(hostname="w1", started_at=now, last_seen=now)
    response = Client().get("/healthz")

    assert response.status_code == 200 and response.json()["status"] == "ok"


def test_a_silent_worker_turns_health_degraded():
    long_ago = timezone.now() - timedelta(minutes=10)
    WorkerHeartbeat.objects.create(hostname="w1", started_at=long_ago, last_seen=long_ago)

    body = Client().get("/healthz").json()

    assert body["status"] == "degraded" and body["checks"]["worker"]["ok"] is False


def test_healthz_says_which_search_paths_the_database_gives():
    search = Client().get("/healthz").json()["checks"]["database"]["search"]

    # the embedded server's pgvector has half-precision indexes and iterative scans
    assert search["halfvec"] is True and search["iterative_scan"] is True and search["index_kind"] == "halfvec"
    assert "half-precision" in search["paths"]["vector"] and "iterative" in search["paths"]["vector"]
    assert set(search["paths"]) == {"vector", "full_text", "hybrid"}
