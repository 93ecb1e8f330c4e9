"""Demo knowledge for `make run`: the Kestrel Robotics handbook (fixtures/knowledge) and the product
docs the FAQ example app retrieves from (fixtures/apps/faq_docs, knowledge base ``product_docs``).

Idempotent: a knowledge base that exists keeps its documents; only files it lacks (by name) are
uploaded, and the worker indexes them once the start-up transaction commits.
"""

from __future__ import annotations

import json
from contextlib import ExitStack
from pathlib import Path

from django.conf import settings
from django.core.files import File

from builder.knowledge.models import KnowledgeBase
from builder.knowledge.parsing import FILE_TYPES
from builder.knowledge.services import documents_upload, knowledge_base_create

FIXTURES = Path(settings.BASE_DIR) / "fixtures"

DEMO_KNOWLEDGE_BASES = [
    (FIXTURES / "knowledge" / "knowledge_base.json", FIXTURES / "knowledge" / "handbook"),
    (None, FIXTURES / "apps" / "faq_docs"),
]


def demo_knowledge_load(*, workspace, owner) -> dict[str, list[str]]:
    """Create the demo knowledge bases and upload the files they lack; returns names uploaded."""
    uploaded: dict[str, list[str]] = {}
    for spec_path, folder in DEMO_KNOWLEDGE_BASES:
        if not folder.is_dir():
            continue
        spec = json.loads(spec_path.read_text()) if spec_path else {
            "name": "product_docs", "description": "Product documentation the FAQ example app answers from."}
        kb = KnowledgeBase.objects.filter(workspace=workspace, name=spec["name"]).first()
        if kb is None:
            kb = knowledge_base_create(workspace=workspace, created_by=owner, **spec)
        present = set(kb.documents.values_list("name", flat=True))
        paths = [p for p in sorted(folder.iterdir()) if p.suffix.lower() in FILE_TYPES and p.name not in present]
        if not paths:
            continue
        with ExitStack() as stack:
            files = [File(stack.enter_context(open(path, "rb")), name=path.name) for path in paths]
            documents_upload(knowledge_base=kb, files=files, created_by=owner)
        uploaded[kb.name] = [p.name for p in paths]
    return uploaded
