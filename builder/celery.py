"""The Celery app. Tasks take ids and call services; our models, not Celery results, hold job state."""

import os

from celery import Celery

from builder.config import env_float

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "builder.settings.dev")


def _tune_database_transport() -> None:
    """kombu passes transport options of the SQLAlchemy transport to create_engine(), so the
    polling interval of the embedded (database) broker has to be set on the transport class."""
    from kombu.transport import sqlalchemy

    sqlalchemy.Transport.polling_interval = env_float("LLMOPS_BROKER_POLLING_SECONDS", 0.2)


_tune_database_transport()

app = Celery("llmops")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
