"""All Django code of LLMOps Studio: settings, entry points and one app per domain."""

from builder.celery import app as celery_app

__all__ = ["celery_app"]
