"""Live events of knowledge bases on the workspace websocket (best effort: the rows are the truth)."""

from __future__ import annotations

import logging
from typing import Any

from builder.jobs.events import workspace_event_publish
from builder.knowledge.models import Document

logger = logging.getLogger(__name__)


def document_as_event(document: Document) -> dict[str, Any]:
    return {
        "id": document.pk,
        "knowledge_base_id": document.knowledge_base_id,
        "name": document.name,
        "state": document.state,
        "chunk_count": document.chunk_count,
        "chunks_done": document.chunks_done,
        "error": {"code": document.error_code, "message": document.error_message} if document.error_code else None,
    }


def document_event_publish(document: Document, **extra: Any) -> None:
    """``knowledge.document``: a document changed state or embedded another batch."""
    event = {"type": "knowledge.document", "document": document_as_event(document), **extra}
    try:
        workspace_event_publish(workspace_id=document.workspace_id, event=event)
    except Exception:
        logger.warning("could not publish knowledge.document for %s", document.pk, exc_info=True)
