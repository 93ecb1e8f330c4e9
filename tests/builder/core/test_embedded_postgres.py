"""The embedded PostgreSQL stops with the process that holds it, also when that process is
terminated by SIGTERM, and a holder killed outright does not keep it running forever."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

HOLDER = """
import sys, time
from pathlib import Path
from builder.embedded_postgres import ensure_running
ensure_running(Path(sys.argv[1]), "app")
print("ready", flush=True)
time.sleep(float(sys.argv[2]))
"""


def hold(pgdata: Path, seconds: float = 120) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(pgdata), str(seconds)],
        stdout=subprocess.PIPE, text=True, cwd=Path(__file__).resolve().parents[3],
    )
    assert proc.stdout.readline().strip() == "ready"
    return proc


def postgres_pid(pgdata: Path) -> int:
    return int((pgdata / "postmaster.pid").read_text().splitlines()[0])


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}").exists() and "zombie" not in Path(f"/proc/{pid}/status").read_text().lower()


def wait_gone(pid: int, timeout: float = 15) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not alive(pid):
            return True
        time.sleep(0.1)
    return False


def test_sigterm_to_the_holder_stops_postgres(tmp_path):
    pgdata = tmp_path / "pg"
    holder = hold(pgdata)
    pid = postgres_pid(pgdata)

    holder.send_signal(signal.SIGTERM)
    holder.wait(timeout=30)

    assert wait_gone(pid), "postgres kept running after its only holder got SIGTERM"
    assert not (pgdata / "postmaster.pid").exists()


def test_postgres_stays_up_while_another_process_holds_it(tmp_path):
    pgdata = tmp_path / "pg"
    first, second = hold(pgdata), hold(pgdata)
    pid = postgres_pid(pgdata)

    first.send_signal(signal.SIGTERM)
    first.wait(timeout=30)
    assert alive(pid)

    second.send_signal(signal.SIGTERM)
    second.wait(timeout=30)
    assert wait_gone(pid)


def test_a_killed_holder_does_not_keep_postgres_running_after_the_next_one_exits(tmp_path):
    pgdata = tmp_path / "pg"
    killed = hold(pgdata)
    pid = postgres_pid(pgdata)
    killed.kill()
    killed.wait()
    assert alive(pid), "SIGKILL cannot run cleanup: postgres is expected to survive it"

    hold(pgdata, seconds=0).wait(timeout=30)

    assert wait_gone(pid), "the stale pid of the killed holder kept postgres running"


def test_the_buffer_cache_is_sized_to_the_machine(tmp_path):
    import psycopg

    from builder.embedded_postgres import server_settings, socket_url

    pgdata = tmp_path / "pg"
    holder = hold(pgdata)
    socket_dir = (pgdata / "postmaster.pid").read_text().splitlines()[4]
    with psycopg.connect(socket_url(socket_dir, "app"), autocommit=True) as conn:
        buffers = conn.execute("SELECT setting::bigint * 8 / 1024 FROM pg_settings WHERE name = 'shared_buffers'"
                               ).fetchone()[0]
    holder.send_signal(signal.SIGTERM)
    holder.wait(timeout=30)

    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    expected = server_settings(memory)["shared_buffers"]
    assert expected != "128MB" or memory < 4 * 2**30  # larger than PostgreSQL's default on this machine
    assert f"{buffers}MB" == expected
