"""Reads of the knowledge domain. Everything is reached through the workspace: another workspace's
knowledge bases, documents and chunks answer NotFound, exactly like ones that don't exist."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from builder.core.errors import NotFound
from builder.knowledge.models import Chunk, Document, KnowledgeBase


def knowledge_bases_of(*, workspace) -> QuerySet[KnowledgeBase]:
    return KnowledgeBase.objects.filter(workspace=workspace).annotate(
        document_count=Count("documents", distinct=True),
        indexed_count=Count("documents", filter=Q(documents__state="indexed"), distinct=True),
    )


def knowledge_base_get(*, workspace, knowledge_base_id: int | str) -> KnowledgeBase:
    try:
        pk = int(knowledge_base_id)
    except (TypeError, ValueError):
        raise NotFound("Knowledge base not found.") from None
    knowledge_base = knowledge_bases_of(workspace=workspace).filter(pk=pk).first()
    if knowledge_base is None:
        raise NotFound("Knowledge base not found.")
    return knowledge_base


def knowledge_base_find(*, workspace, reference: str) -> KnowledgeBase:
    """By id or by name (what a retrieval node's config holds)."""
    reference = str(reference).strip()
    found = KnowledgeBase.objects.filter(workspace=workspace, name=reference).first()
    if found is None and reference.isdigit():
        found = KnowledgeBase.objects.filter(workspace=workspace, pk=int(reference)).first()
    if found is None:
        raise NotFound(f"Knowledge base {reference!r} not found in this workspace.")
    return found


def documents_of(*, knowledge_base: KnowledgeBase) -> QuerySet[Document]:
    return Document.objects.filter(knowledge_base=knowledge_base, workspace_id=knowledge_base.workspace_id)


def document_get(*, knowledge_base: KnowledgeBase, document_id: int) -> Document:
    document = documents_of(knowledge_base=knowledge_base).filter(pk=document_id).first()
    if document is None:
        raise NotFound("Document not found.")
    return document


def chunks_of(*, document: Document) -> QuerySet[Chunk]:
    return Chunk.objects.filter(document=document, workspace_id=document.workspace_id).defer(
        "embedding", "search_vector"
    ).order_by("position")
