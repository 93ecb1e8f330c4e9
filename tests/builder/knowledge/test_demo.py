"""`make run` loads the demo handbook into the demo workspace, once."""

import pytest

from builder.jobs.models import Job
from builder.jobs.services import job_execute
from builder.knowledge.demo import demo_knowledge_load
from builder.knowledge.models import Document, KnowledgeBase
from builder.knowledge.search import knowledge_search

pytestmark = pytest.mark.django_db


def test_the_handbook_is_loaded_indexed_and_searchable_and_a_second_load_changes_nothing(owner):
    first = demo_knowledge_load(workspace=owner.workspace, owner=owner.user)
    for job in Job.objects.filter(kind="knowledge.ingest"):
        job_execute(job_id=job.pk)

    handbook = KnowledgeBase.objects.get(workspace=owner.workspace, name="Kestrel Robotics handbook")
    assert "05-offices-and-facilities.pdf" in first[handbook.name]
    assert set(handbook.documents.values_list("state", flat=True)) == {"indexed"}
    (best, *_) = knowledge_search(knowledge_base=handbook, query="How many days of annual leave do I get?",
                                  mode="hybrid", top_k=3)
    assert "27 days" in best.text

    count = Document.objects.count()
    assert demo_knowledge_load(workspace=owner.workspace, owner=owner.user) == {}
    assert Document.objects.count() == count
