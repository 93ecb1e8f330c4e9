"""Production settings pass Django's deployment checklist; a PostgreSQL without pgvector is refused
at start-up with a message that says what to do."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from builder.embedded_postgres import socket_url
from tests.support.processes import answers

ROOT = Path(__file__).resolve().parents[3]


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CELERY_", "DATABASE_URL"))}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


def test_prod_settings_pass_the_deployment_checklist(db):
    db_settings = connection.settings_dict
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING",
        DJANGO_SETTINGS_MODULE="builder.settings.prod",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        DJANGO_ALLOWED_HOSTS="studio.example.com",
        DATABASE_URL=socket_url(db_settings["HOST"], db_settings["NAME"]),
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_prod_settings_refuse_to_start_without_a_secret_key(db):
    db_settings = connection.settings_dict
    result = manage(
        "check", DJANGO_SETTINGS_MODULE="builder.settings.prod",
        DATABASE_URL=socket_url(db_settings["HOST"], db_settings["NAME"]),
    )

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


@pytest.mark.skipif(not answers("127.0.0.1", 5432), reason="no plain PostgreSQL on 127.0.0.1:5432 to try")
def test_a_database_without_pgvector_is_refused_with_a_clear_message():
    plain = "postgresql://postgres@127.0.0.1:5432/postgres"
    probe = subprocess.run(
        ["psql", plain, "-tAc", "SELECT count(*) FROM pg_available_extensions WHERE name = 'vector'"],
        capture_output=True, text=True,
    )
    if probe.returncode != 0 or probe.stdout.strip() != "0":
        pytest.skip("the PostgreSQL on 127.0.0.1:5432 is unreachable or has pgvector")

    result = manage("migrate", DJANGO_SETTINGS_MODULE="builder.settings.dev", DATABASE_URL=plain)

    assert result.returncode != 0
    assert "has no 'vector' extension" in result.stderr
    assert "Traceback" not in result.stderr.split("DatabaseMisconfigured")[-1]


def test_the_template_bounds_come_from_the_settings(db):
    db_settings = connection.settings_dict
    script = (
        "from runtime.templates import compile_template\n"
        "from runtime.errors import TemplateError\n"
        "try:\n"
        "    compile_template('{{ inputs.q }}!').render({'inputs': {'q': 'x' * 20}})\n"
        "except TemplateError as error:\n"
        "    print(error.code)\n"
        "else:\n"
        "    print('rendered')\n"
    )
    env = {"DATABASE_URL": socket_url(db_settings["HOST"], db_settings["NAME"])}

    def outcome(**more: str) -> str:
        return manage("shell", "-c", script, **env, **more).stdout.split()[-1]

    assert outcome() == "rendered"
    assert outcome(LLMOPS_TEMPLATE_MAX_OUTPUT_CHARS="10") == "template_limit"
