"""`make run`'s launcher (manage.py studio) on a fresh data folder: it prints the URL and a working
login, serves a green /healthz, and Ctrl-C or SIGTERM leaves no process behind. A second start
reuses the data."""

import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import psutil
import pytest

from tests.support.processes import free_port

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[3]


class Studio:
    def __init__(self, data_dir: Path, port: int, **env: str):
        environment = {k: v for k, v in os.environ.items()
                       if k not in {"DATABASE_URL", "CELERY_BROKER_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE",
                                    "LLMOPS_ADMIN_PASSWORD", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
        environment.update(LLMOPS_DATA_DIR=str(data_dir), PYTHONUNBUFFERED="1", **env)
        self.proc = subprocess.Popen(
            [sys.executable, "manage.py", "studio", "--port", str(port)],
            cwd=ROOT, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            start_new_session=True,  # its own process group, as in a terminal
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.output: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()
        self.base = f"http://127.0.0.1:{port}"

    def _read(self):
        for line in self.proc.stdout:
            self.lines.put(line)

    def wait_for(self, pattern: str, timeout: float = 120) -> re.Match:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.5)
            except queue.Empty:
                assert self.proc.poll() is None, "studio exited:\n" + "".join(self.output)
                continue
            self.output.append(line)
            if match := re.search(pattern, line):
                return match
        raise AssertionError(f"no line matched {pattern!r}:\n" + "".join(self.output))

    def family(self) -> list[psutil.Process]:
        parent = psutil.Process(self.proc.pid)
        return [parent, *parent.children(recursive=True)]


def postgres_processes(data_dir: Path) -> list[psutil.Process]:
    found = []
    for proc in psutil.process_iter(["name", "cmdline"]):
        if proc.info["name"] == "postgres" and str(data_dir) in " ".join(proc.info["cmdline"] or []):
            found.append(proc)
    return found


def wait_healthy(base: str, timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        body = httpx.get(base + "/healthz", timeout=5).json()
        if body["status"] == "ok" or time.monotonic() > deadline:
            return body
        time.sleep(0.5)


def log_in(base: str, username: str, password: str) -> httpx.Response:
    with httpx.Client(base_url=base, follow_redirects=False) as client:
        client.get("/accounts/login/")
        return client.post(
            "/accounts/login/",
            data={"username": username, "password": password, "csrfmiddlewaretoken": client.cookies["csrftoken"]},
        )


def assert_all_gone(processes: list[psutil.Process], timeout: float = 30):
    _, alive = psutil.wait_procs(processes, timeout=timeout)
    assert not alive, f"left behind: {[(p.pid, p.name()) for p in alive]}"


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_studio_prints_a_working_login_and_stops_everything(tmp_path, stop_signal):
    studio = Studio(tmp_path / "data", free_port())
    try:
        user = studio.wait_for(r"Login: (\S+)").group(1)
        password = studio.wait_for(r"Password: (\S+)\s+\(generated").group(1)
        studio.wait_for(r"Press Ctrl-C to stop")

        health = wait_healthy(studio.base)
        assert health["status"] == "ok", health
        assert log_in(studio.base, user, password).status_code == 302  # redirected into the app
        assert log_in(studio.base, user, "wrong").status_code == 200  # the form again, with an error
        family = studio.family() + postgres_processes(tmp_path / "data")
        assert len(family) >= 4  # launcher, web server, worker, postgres

        if stop_signal == signal.SIGINT:
            os.killpg(studio.proc.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
        else:
            studio.proc.send_signal(signal.SIGTERM)
        studio.proc.wait(timeout=60)

        assert_all_gone(family)
        assert not postgres_processes(tmp_path / "data")
    finally:
        if studio.proc.poll() is None:
            os.killpg(studio.proc.pid, signal.SIGKILL)


def test_a_second_start_reuses_the_data_and_the_password_from_the_environment(tmp_path):
    data = tmp_path / "data"
    first = Studio(data, free_port(), LLMOPS_ADMIN_PASSWORD="first-start-password-1")
    first.wait_for(r"Press Ctrl-C to stop")
    first.proc.send_signal(signal.SIGTERM)
    first.proc.wait(timeout=60)

    second = Studio(data, free_port(), LLMOPS_ADMIN_PASSWORD="first-start-password-1")
    try:
        second.wait_for(r"Password: the value of LLMOPS_ADMIN_PASSWORD")
        second.wait_for(r"Press Ctrl-C to stop")
        assert log_in(second.base, "admin", "first-start-password-1").status_code == 302
        assert not any("generated" in line for line in second.output)
        # the first knowledge search does not wait for the embedding model: it loads at start
        if not any("local embedding model loaded" in line for line in second.output):
            second.wait_for(r"local embedding model loaded")
    finally:
        second.proc.send_signal(signal.SIGTERM)
        second.proc.wait(timeout=60)
