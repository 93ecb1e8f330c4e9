"""Published-endpoint load (docs/benchmarks.md): one command, one table.

    .venv/bin/python -m benchmarks.publishing_load [--workers 1] [--duration 10] [--connections 256]

In one run, on 127.0.0.1 only: the stand-in model alone (50 ms); FastAPI awaiting 50 ms
(context); FastAPI + AsyncOpenAI calling the stand-in (the baseline); our published one-prompt
app through ``POST /v1/apps/{slug}/run`` — same number of uvicorn workers. Load: ``wrk`` (from
Debian; installed with apt when missing and root), 256 connections for 10 s after a 3 s warm-up.
For ours it also prints runs stored vs requests answered (after a clean shutdown of the server).
Data lives in an embedded PostgreSQL in .data/bench (not your dev data)."""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_http(url: str, proc: subprocess.Popen, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            raise SystemExit(f"server for {url} exited during start-up")
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            if time.monotonic() > deadline:
                raise SystemExit(f"{url} did not answer within {timeout} s") from None
            time.sleep(0.3)


def stop(proc: subprocess.Popen, timeout: float = 60) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=False, stdout=subprocess.DEVNULL)
        found = shutil.which("wrk")
    if not found:
        raise SystemExit("wrk is needed: apt-get install wrk")
    return found


def wrk(url: str, *, body: str, headers: dict[str, str], connections: int, duration: int) -> dict:
    lua = "wrk.method = 'POST'\nwrk.body = [[" + body + "]]\n"
    lua += "".join(f"wrk.headers['{k}'] = '{v}'\n" for k, v in headers.items())
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(lua)
    threads = min(2, connections)
    out = subprocess.run(
        [ensure_wrk(), f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency", "--timeout", "10s",
         "-s", script.name, url], capture_output=True, text=True, check=True,
    ).stdout
    os.unlink(script.name)
    return parse_wrk(out)


def _ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def parse_wrk(out: str) -> dict:
    errors = 0
    if m := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out):
        errors += sum(int(x) for x in m.groups())
    if m := re.search(r"Non-2xx or 3xx responses: (\d+)", out):
        errors += int(m.group(1))
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": _ms(re.search(r"\s50%\s+(\S+)", out).group(1)),
        "p99": _ms(re.search(r"\s99%\s+(\S+)", out).group(1)),
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
        "errors": errors,
    }


def machine() -> str:
    model = ""
    try:
        model = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    system = f"{platform.system()} {platform.release()}"
    return f"{model or platform.processor()} x{os.cpu_count()}, {system}, Python {platform.python_version()}"


# --- our platform: data and server ------------------------------------------------------------

def setup_django() -> None:
    os.environ.setdefault("LLMOPS_DATA_DIR", str(ROOT / ".data" / "bench"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "builder.settings.dev"
    # Publishing checks the models an app calls against this process's providers: it needs the
    # 'standin' provider by name (the server under test gets its real URL).
    os.environ["LLMOPS_OPENAI_PROVIDER_NAME"] = "standin"
    os.environ["LLMOPS_OPENAI_BASE_URL"] = "http://127.0.0.1:9/v1"
    os.environ["LLMOPS_OPENAI_MODELS"] = "gpt-test"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def publish_app(model_stream: bool) -> tuple[str, str, int]:
    """A workspace with the one-prompt app published and a key: (slug, secret, app id)."""
    from builder.accounts.models import User
    from builder.accounts.services import workspace_create
    from builder.flows.services import app_create
    from builder.publishing.services import api_key_create, app_publish

    user, _ = User.objects.get_or_create(username="bench")
    workspace = workspace_create(name=f"bench {int(time.time())}", owner=user)
    graph = {
        "inputs": [{"name": "query", "type": "string"}],
        "nodes": [
            {"id": "start", "type": "start"},
            {"id": "ask", "type": "prompt", "config": {
                "model": {"provider": "standin", "model": "gpt-test"}, "stream": model_stream,
                "messages": [{"role": "user", "template": "{{ inputs.query }}"}]}},
            {"id": "answer", "type": "answer", "config": {"template": "{{ ask.text }}"}},
        ],
        "edges": [{"id": "e1", "source": "start", "target": "ask"}, {"id": "e2", "source": "ask", "target": "answer"}],
    }
    app = app_create(workspace=workspace, name="Bench prompt", user=user, graph=graph)
    app_publish(app=app, user=user)
    _, secret = api_key_create(workspace=workspace, name="bench", user=user)
    return app.slug, secret, app.pk


def database_url() -> str:
    from django.db import connection

    from builder.embedded_postgres import socket_url

    db = connection.settings_dict
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"]
    return socket_url(db["HOST"], db["NAME"], db["USER"])


def runs_of(app_id: int) -> int:
    from builder.runs.models import Run

    return Run.objects.filter(app_id=app_id).count()


def uvicorn(target: str, port: int, workers: int, env: dict[str, str], lifespan: str = "on") -> subprocess.Popen:
    return subprocess.Popen(
        [PY, "-m", "uvicorn", target, "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
         "--lifespan", lifespan, "--no-access-log", "--log-level", "warning", "--timeout-graceful-shutdown", "30"],
        cwd=ROOT, env={**os.environ, **env},
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--connections", type=int, default=256)
    parser.add_argument("--latency", type=float, default=0.05, help="the stand-in model's answer time (s)")
    parser.add_argument("--model-stream", action="store_true",
                        help="the app's prompt node streams from the model (default: one JSON answer, "
                             "like the baseline)")
    args = parser.parse_args()
    ensure_wrk()
    setup_django()
    slug, secret, app_id = publish_app(args.model_stream)
    warm_slug, warm_secret, _ = publish_app(args.model_stream)  # warm-up runs land on their own app

    stand_in = subprocess.Popen([PY, "-m", "benchmarks.stand_in_server", str(args.latency)], cwd=ROOT,
                                stdout=subprocess.PIPE, text=True)
    model_port = int(stand_in.stdout.readline())
    model_url = f"http://127.0.0.1:{model_port}/v1"
    body = '{"inputs": {"query": "Summarise vector databases in one line."}}'
    json_headers = {"Content-Type": "application/json"}
    results: list[tuple[str, dict]] = []

    def load(name: str, url: str, headers: dict[str, str], wire_body: str = body) -> dict:
        if args.warmup:
            wrk(url, body=wire_body, headers=headers, connections=args.connections, duration=args.warmup)
        figures = wrk(url, body=wire_body, headers=headers, connections=args.connections, duration=args.duration)
        results.append((name, figures))
        print(f"  measured {name}: {figures['rps']:.0f} req/s", flush=True)
        return figures

    try:
        chat_body = '{"model": "gpt-test", "messages": [{"role": "user", "content": "Summarise."}]}'
        load("stand-in model alone (50 ms)", f"{model_url}/chat/completions", json_headers, chat_body)

        port = free_port()
        base = uvicorn("benchmarks.fastapi_baseline:app", port, args.workers, {"BASELINE_MODEL_URL": model_url})
        try:
            wait_http(f"http://127.0.0.1:{port}/docs", base)
            load("FastAPI awaiting 50 ms (context)", f"http://127.0.0.1:{port}/sleep", json_headers)
            baseline = load("FastAPI + AsyncOpenAI (baseline)", f"http://127.0.0.1:{port}/run", json_headers)
        finally:
            stop(base)

        port = free_port()
        env = {
            "DATABASE_URL": database_url(), "DJANGO_SETTINGS_MODULE": "builder.settings.dev",
            "LLMOPS_OPENAI_BASE_URL": model_url, "LLMOPS_OPENAI_PROVIDER_NAME": "standin",
            "LLMOPS_OPENAI_MODELS": "gpt-test", "LLMOPS_HTTP_ALLOWLIST": f"127.0.0.1:{model_port}",
            "LLMOPS_LOG_LEVEL": "WARNING",
        }
        ours_proc = uvicorn("builder.asgi:application", port, args.workers, env)
        url = f"http://127.0.0.1:{port}/v1/apps/{slug}/run"
        auth = {**json_headers, "Authorization": f"Bearer {secret}"}
        try:
            wait_http(f"http://127.0.0.1:{port}/healthz", ours_proc)
            if args.warmup:
                wrk(f"http://127.0.0.1:{port}/v1/apps/{warm_slug}/run", body=body, connections=args.connections,
                    headers={**json_headers, "Authorization": f"Bearer {warm_secret}"}, duration=args.warmup)
                time.sleep(2)
            ours = wrk(url, body=body, headers=auth, connections=args.connections, duration=args.duration)
            results.append(("ours: POST /v1/apps/{slug}/run", ours))
        finally:
            stop(ours_proc)  # a clean shutdown: every run is written before the process ends
        stored = runs_of(app_id)
    finally:
        stop(stand_in)

    print()
    print(f"Published-endpoint load — {args.connections} connections, {args.duration} s after {args.warmup} s warm-up, "
          f"{args.workers} uvicorn worker(s), model latency {args.latency * 1000:.0f} ms, "
          f"app's model call {'streamed' if args.model_stream else 'JSON'}")
    print(f"Machine: {machine()}")
    print(f"{'':38} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'× baseline':>11}")
    for name, f in results:
        print(f"{name:38} {f['rps']:8.0f} {f['p50']:8.1f} {f['p99']:8.1f} {f['errors']:7d} "
              f"{f['rps'] / baseline['rps']:10.2f}×")
    print(f"ours: requests answered (wrk) {ours['requests']}, runs stored {stored} "
          f"(stored − answered = {stored - ours['requests']}: requests still in flight when wrk hung up at the end "
          f"are answered into a closed socket, and stored)")
    verdict = (ours["rps"] >= baseline["rps"] and ours["p99"] <= baseline["p99"] and ours["errors"] == 0
               and stored >= ours["requests"])
    print(f"target (≥ 1.0× req/s, p99 ≤ baseline, 0 errors, every run stored): {'MET' if verdict else 'NOT MET'}")


if __name__ == "__main__":
    main()
