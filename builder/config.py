"""Reading the environment into settings: database, broker, channel layer, secrets.

Kept apart from the settings modules so each rule is written once and can be tested.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.core.exceptions import ImproperlyConfigured


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_number(name: str, default: Any, cast: Any, kind: str) -> Any:
    value = os.environ.get(name)
    if not value:
        return default
    try:
        return cast(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be {kind}, got {value!r}") from exc


def env_int(name: str, default: int) -> int:
    return int(_env_number(name, default, int, "an integer"))


def env_float(name: str, default: float) -> float:
    return float(_env_number(name, default, float, "a number"))


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name) or default


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_mapping(name: str) -> dict[str, str]:
    """``name=value`` pairs separated by commas (``tiny=/models/tiny,big=/models/big``)."""
    pairs = [part.split("=", 1) for part in os.environ.get(name, "").split(",") if part.strip()]
    bad = [p[0] for p in pairs if len(p) != 2 or not p[0].strip() or not p[1].strip()]
    if bad:
        raise ImproperlyConfigured(f"{name}: expected name=value pairs separated by commas, got {bad[0]!r}")
    return {k.strip(): v.strip() for k, v in pairs}


def model_provider_configs() -> list[dict[str, Any]]:
    """Remote model providers configured by the operator. One OpenAI-compatible endpoint comes
    from LLMOPS_OPENAI_BASE_URL / LLMOPS_OPENAI_API_KEY / LLMOPS_OPENAI_MODELS (named
    LLMOPS_OPENAI_PROVIDER_NAME, default 'openai')."""
    base_url = os.environ.get("LLMOPS_OPENAI_BASE_URL")
    if not base_url:
        return []
    return [
        {
            "kind": "openai_compatible",
            "name": env_str("LLMOPS_OPENAI_PROVIDER_NAME", "openai"),
            "base_url": base_url,
            "api_key": os.environ.get("LLMOPS_OPENAI_API_KEY") or None,
            "models": env_list("LLMOPS_OPENAI_MODELS", []),
        }
    ]


def persistent_secret_key(data_dir: Path) -> str:
    """A random key generated once per data folder (never a fixed default)."""
    path = data_dir / "secret_key"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


def encryption_keys(data_dir: Path) -> list[str]:
    """The Fernet keys that encrypt secrets at rest (workspace provider keys), newest first:
    LLMOPS_ENCRYPTION_KEYS (comma-separated; the first encrypts, every one decrypts), else a key
    generated once per data folder (``encryption_key``, mode 600).

    To rotate: put a new key first (``python -c "from cryptography.fernet import Fernet;
    print(Fernet.generate_key().decode())"``), keep the old ones after it, restart, run
    ``manage.py rotate_encryption_keys`` (re-encrypts every secret with the first key), then drop
    the old keys."""
    configured = env_list("LLMOPS_ENCRYPTION_KEYS", [])
    if configured:
        return configured
    path = data_dir / "encryption_key"
    if not path.exists():
        from cryptography.fernet import Fernet

        data_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(Fernet.generate_key().decode())
        path.chmod(0o600)
    return [path.read_text().strip()]


def resolve_databases(pgdata: Path, embedded_name: str) -> dict[str, dict[str, Any]]:
    """DATABASE_URL when set; otherwise the embedded server, started on first use of this setting."""
    import dj_database_url

    url = os.environ.get("DATABASE_URL")
    if not url:
        from builder.embedded_postgres import ensure_running

        url = ensure_running(pgdata, embedded_name).url(embedded_name)
        os.environ.setdefault("LLMOPS_EMBEDDED_DB", "1")
    default = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    if default["ENGINE"] not in {"django.db.backends.postgresql"}:
        raise ImproperlyConfigured("DATABASE_URL must point to PostgreSQL (with the pgvector extension).")
    return {"default": default}


def sqlalchemy_url(db: dict[str, Any]) -> str:
    """The Django database as an SQLAlchemy URL (psycopg 3 driver), socket or TCP."""
    user = quote(db.get("USER") or "", safe="")
    password = quote(db.get("PASSWORD") or "", safe="")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = db.get("HOST") or ""
    port = db.get("PORT") or ""
    name = db["NAME"]
    if host.startswith("/"):
        return f"postgresql+psycopg://{auth}/{name}?host={host}"
    return f"postgresql+psycopg://{auth}{host}{':' + str(port) if port else ''}/{name}"


def resolve_broker_url(db: dict[str, Any]) -> str:
    """CELERY_BROKER_URL when set; otherwise the database itself through kombu's SQLAlchemy transport."""
    return os.environ.get("CELERY_BROKER_URL") or "sqla+" + sqlalchemy_url(db)


def resolve_channel_layers() -> dict[str, Any]:
    """REDIS_URL -> Redis channel layer; otherwise PostgreSQL LISTEN/NOTIFY, which crosses processes."""
    redis_url = os.environ.get("REDIS_URL")
    if redis_url:
        return {"default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": [redis_url]}}}
    return {"default": {"BACKEND": "builder.core.channel_layer.DatabaseChannelLayer", "CONFIG": {}}}
