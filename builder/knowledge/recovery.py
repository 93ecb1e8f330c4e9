"""When a worker starts, ingestion that a killed worker left half done is picked up again."""

from __future__ import annotations

import logging

from celery.signals import worker_ready
from django.db import close_old_connections

logger = logging.getLogger(__name__)


@worker_ready.connect
def _resume_interrupted_ingestion(**kwargs) -> None:
    from builder.knowledge.ingestion import ingestion_resume_interrupted

    try:
        ingestion_resume_interrupted()
    except Exception:
        logger.warning("could not resume interrupted ingestion", exc_info=True)
    finally:
        close_old_connections()
