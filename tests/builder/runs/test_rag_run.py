"""A debug run of an app whose retrieval node reads a real knowledge base of its workspace."""

import pytest

from builder.flows.services import app_create
from builder.knowledge.services import knowledge_base_create
from builder.runs.models import NodeTrace, Run
from builder.runs.services import run_execute
from tests.builder.knowledge.conftest import ingest
from tests.builder.knowledge.samples import SAMPLES
from tests.support.members import make_member

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def rag_graph() -> dict:
    return {
        "inputs": [{"name": "question", "type": "string"}],
        "nodes": [
            {"id": "start", "type": "start"},
            {"id": "search", "type": "retrieval", "config": {
                "query": "{{ inputs.question }}", "knowledge_base": "Handbook", "top_k": 2, "mode": "hybrid"}},
            {"id": "answer", "type": "answer", "config": {
                "template": "{% for c in search.chunks %}[{{ c.source.document }}] {{ c.text }}\n{% endfor %}"}},
        ],
        "edges": [
            {"id": "e1", "source": "start", "target": "search"},
            {"id": "e2", "source": "search", "target": "answer"},
        ],
    }


def test_the_retrieval_node_of_a_run_cites_the_workspaces_documents(tmp_path, settings):
    settings.KNOWLEDGE_STORAGE_ROOT = tmp_path
    member = make_member()
    kb = knowledge_base_create(workspace=member.workspace, name="Handbook")
    ingest(kb, {"guide.md": SAMPLES["md"][1]})
    app = app_create(workspace=member.workspace, name="FAQ", user=member.user, graph=rag_graph())
    run = Run.objects.create(
        workspace=member.workspace, app=app, graph=app.draft, inputs={"question": "When are parking permits renewed?"}
    )

    run_execute(run_id=str(run.pk))

    run.refresh_from_db()
    assert run.status == "succeeded", (run.error_code, run.error_message)
    assert "[guide.md]" in run.outputs["answer"] and "Penguin parking permits" in run.outputs["answer"]
    chunks = NodeTrace.objects.get(run=run, node_id="search").outputs["chunks"]
    assert chunks[0]["source"]["document"] == "guide.md"
