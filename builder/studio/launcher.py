"""`make run`: one foreground process that owns the embedded PostgreSQL and supervises the web
server and the Celery worker. Ctrl-C or SIGTERM stops the children first, then postgres (atexit)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection

from builder.embedded_postgres import socket_url

STOP_GRACE_SECONDS = 15


@dataclass
class Supervisor:
    host: str
    port: int
    children: dict[str, subprocess.Popen] = field(default_factory=dict)
    stopping: bool = False

    def child_env(self) -> dict[str, str]:
        """Children reach the database through the URL this process resolved, so they never start
        (or hold) the embedded server themselves."""
        env = dict(os.environ)
        db = connection.settings_dict
        if not os.environ.get("DATABASE_URL"):
            env["DATABASE_URL"] = socket_url(db["HOST"], db["NAME"], db["USER"])
            env["LLMOPS_EMBEDDED_DB"] = "1"
        env["CELERY_BROKER_URL"] = settings.CELERY_BROKER_URL
        env.setdefault("DJANGO_SETTINGS_MODULE", os.environ.get("DJANGO_SETTINGS_MODULE", "builder.settings.dev"))
        return env

    def start(self) -> None:
        ensure_port_free(self.host, self.port)
        env = self.child_env()
        python = sys.executable
        self.children["web"] = subprocess.Popen(
            [python, "-m", "uvicorn", "builder.asgi:application", "--host", self.host, "--port", str(self.port),
             "--no-access-log", "--lifespan", "on", "--timeout-graceful-shutdown", "5"],
            env={**env, "LLMOPS_WARM_EMBEDDINGS": os.environ.get("LLMOPS_WARM_EMBEDDINGS", "1")},
        )
        concurrency = str(settings.LLMOPS_WORKER_CONCURRENCY)
        self.children["worker"] = subprocess.Popen(
            [python, "-m", "celery", "-A", "builder", "worker", "--loglevel", "INFO",
             "--concurrency", concurrency, "--hostname", f"worker@{socket.gethostname()}"],
            env=env,
        )
        # Fine-tuning: one job at a time, on its own queue.
        self.children["finetune"] = subprocess.Popen(
            [python, "-m", "celery", "-A", "builder", "worker", "--loglevel", "INFO", "--concurrency", "1",
             "--queues", settings.LLMOPS_FINETUNE_QUEUE, "--hostname", f"finetune@{socket.gethostname()}"],
            env=env,
        )
        # Periodic work (sampling rules); its schedule file lives in the data folder.
        self.children["beat"] = subprocess.Popen(
            [python, "-m", "celery", "-A", "builder", "beat", "--loglevel", "WARNING",
             "--schedule", settings.CELERY_BEAT_SCHEDULE_FILENAME],
            env=env,
        )

    def wait_until_serving(self, timeout: float = 60.0) -> bool:
        deadline = time.monotonic() + timeout
        url = f"http://{self.host}:{self.port}/healthz"
        while time.monotonic() < deadline:
            if self.dead_child():
                return False
            try:
                with urllib.request.urlopen(url, timeout=2):
                    return True
            except OSError:
                time.sleep(0.3)
        return False

    def dead_child(self) -> str | None:
        return next((name for name, proc in self.children.items() if proc.poll() is not None), None)

    def stop(self) -> None:
        if self.stopping:
            return
        self.stopping = True
        for proc in self.children.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        for proc in self.children.values():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def supervise(self) -> int:
        """Block until a child dies or we are told to stop; returns the exit code."""
        while True:
            dead = self.dead_child()
            if dead:
                print(f"\n!! the {dead} process exited unexpectedly; stopping the platform.", flush=True)
                return 1
            time.sleep(0.5)


def ensure_port_free(host: str, port: int) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        if sock.connect_ex((host, port)) == 0:
            raise SystemExit(
                f"Port {port} on {host} is already in use. Stop what runs there or set LLMOPS_PORT to another port."
            )
