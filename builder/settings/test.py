"""The test suite: embedded PostgreSQL in its own data folder, fast password hashing."""

import os
from pathlib import Path

# The suite has its own embedded PostgreSQL (and data folder), never the one `make run` uses.
os.environ.setdefault("LLMOPS_DATA_DIR", str(Path(__file__).resolve().parents[2] / ".data" / "test"))

from builder.settings.base import *  # noqa: E402, F403

SECRET_KEY = "test-only-key-not-secret-0123456789abcdefghijklmnopqrstuvwxyz"
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WORKER_HEARTBEAT_SECONDS = 1
WHITENOISE_USE_FINDERS = True

# One test database per pytest process, so that two suites running at once never collide.
DATABASES["default"]["TEST"] = {"NAME": f"test_llmops_{os.getpid()}"}  # noqa: F405
DATABASES["channels_postgres"]["NAME"] = DATABASES["default"]["NAME"]  # noqa: F405
