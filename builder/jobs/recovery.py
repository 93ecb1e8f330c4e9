"""When a worker starts, the resumable jobs a killed worker left half done are taken up again."""

from __future__ import annotations

import logging

from celery.signals import worker_ready
from django.db import close_old_connections

logger = logging.getLogger(__name__)


@worker_ready.connect
def _resume_interrupted_jobs(**kwargs) -> None:
    from builder.jobs.services import jobs_resume_interrupted

    try:
        jobs_resume_interrupted()
    except Exception:
        logger.warning("could not resume interrupted jobs", exc_info=True)
    finally:
        close_old_connections()
