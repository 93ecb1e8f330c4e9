"""Real platform processes for integration tests: a Celery worker and a uvicorn web server, both
talking to the test database, with the broker and channel layer chosen per test."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.db import connection

from builder.embedded_postgres import socket_url

REDIS_URL = "redis://127.0.0.1:6379/15"
RABBITMQ_URL = "amqp://guest:guest@127.0.0.1:5672//"


def answers(host: str, port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex((host, port)) == 0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass(frozen=True)
class Backends:
    """Which broker and channel layer the processes use: ``database`` is the embedded default."""

    broker: str = "database"
    channel_layer: str = "database"

    def env(self) -> dict[str, str]:
        db = connection.settings_dict
        env = dict(os.environ)
        env.update(
            DJANGO_SETTINGS_MODULE="builder.settings.test",
            DATABASE_URL=socket_url(db["HOST"], db["NAME"], db["USER"]),
            LLMOPS_QUEUE=f"llmops-test-{os.getpid()}",
            PYTHONUNBUFFERED="1",
        )
        env.pop("REDIS_URL", None)
        env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        env["CELERY_BROKER_URL"] = {
            "database": settings.CELERY_BROKER_URL,
            "redis": REDIS_URL,
            "rabbitmq": RABBITMQ_URL,
        }[self.broker]
        if self.channel_layer == "redis":
            env["REDIS_URL"] = REDIS_URL
        return env

    def unavailable(self) -> str | None:
        needed = {self.broker, self.channel_layer}
        if "redis" in needed and not answers("127.0.0.1", 6379):
            return "Redis is not answering on 127.0.0.1:6379: the Redis path was NOT tested"
        if "rabbitmq" in needed and not answers("127.0.0.1", 5672):
            return "RabbitMQ is not answering on 127.0.0.1:5672: the RabbitMQ path was NOT tested"
        return None


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextmanager
def celery_worker(backends: Backends, *, queue_suffix: str = "", **extra_env: str) -> Iterator[subprocess.Popen]:
    """A worker in its own process; ready once its own heartbeat reaches the database (not another
    worker's: a second worker started beside a first is waited for too). ``queue_suffix``: serve a
    dedicated queue instead of the default one (``.finetune``: the fine-tuning worker)."""
    from builder.health.models import WorkerHeartbeat

    env = {**backends.env(), **extra_env}
    queues = ["--queues", env["LLMOPS_QUEUE"] + queue_suffix] if queue_suffix else []
    name = f"test-worker{queue_suffix}-{os.getpid()}@"
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "builder", "worker", "--pool", "solo", "--loglevel", "WARNING",
         "--hostname", f"{name}%h", *queues],
        env=env,
    )
    try:
        deadline = time.monotonic() + 60
        while not WorkerHeartbeat.objects.filter(hostname__startswith=name).exists():
            assert proc.poll() is None, "the worker exited during start-up"
            assert time.monotonic() < deadline, "the worker did not report a heartbeat within 60 s"
            time.sleep(0.2)
        yield proc
    finally:
        _stop(proc)


@contextmanager
def web_server(backends: Backends, **extra_env: str) -> Iterator[str]:
    """uvicorn serving the ASGI app (HTTP + websockets); yields its base URL."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "builder.asgi:application", "--host", "127.0.0.1", "--port", str(port),
         "--lifespan", "on", "--log-level", "warning"],
        env={**backends.env(), **extra_env},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, "the web server exited during start-up"
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2)
                break
            except OSError:
                assert time.monotonic() < deadline, "the web server did not answer within 60 s"
                time.sleep(0.2)
        yield base
    finally:
        _stop(proc)
