"""Search in each mode for each file type, scores and thresholds, filters, parent-child."""

import pytest

from builder.knowledge.search import SearchFilters, knowledge_search
from builder.knowledge.services import knowledge_base_create
from tests.builder.knowledge.conftest import ingest
from tests.builder.knowledge.samples import SAMPLES

pytestmark = pytest.mark.django_db

QUERY = "When are penguin parking permits renewed?"


@pytest.mark.parametrize("file_type", sorted(SAMPLES))
@pytest.mark.parametrize("mode", ["vector", "full_text", "hybrid"])
def test_each_file_type_is_found_in_each_mode(knowledge_base, file_type, mode):
    name, data = SAMPLES[file_type]
    ingest(knowledge_base, {name: data})

    hits = knowledge_search(knowledge_base=knowledge_base, query=QUERY, mode=mode, top_k=3)

    assert hits, f"nothing found in {mode} mode"
    assert "Penguin parking permits" in hits[0].text
    assert hits[0].document_name == name
    assert 0 < hits[0].score <= 1


def test_full_text_hits_name_the_matched_words(knowledge_base):
    ingest(knowledge_base, {"guide.md": SAMPLES["md"][1]})

    (hit, *_) = knowledge_search(knowledge_base=knowledge_base, query=QUERY, mode="full_text", top_k=1)

    assert {"Penguin", "parking", "permits", "renewed"} <= set(hit.highlights)


def test_hybrid_ranks_carry_both_lists(knowledge_base):
    ingest(knowledge_base, {"guide.md": SAMPLES["md"][1]})

    (hit, *_) = knowledge_search(knowledge_base=knowledge_base, query=QUERY, mode="hybrid", top_k=1)

    assert hit.ranks == {"vector": 1, "full_text": 1} and hit.score == 1.0


def test_a_score_threshold_drops_weak_chunks(knowledge_base):
    ingest(knowledge_base, {"notes.txt": b"Penguins.\n\n" + ("Unrelated filler about gardening. " * 40).encode()})

    everything = knowledge_search(knowledge_base=knowledge_base, query="gardening", mode="vector", top_k=10)
    strict = knowledge_search(knowledge_base=knowledge_base, query="gardening", mode="vector", top_k=10,
                              score_threshold=everything[0].score)

    assert len(strict) < len(everything) and all(h.score >= everything[0].score for h in strict)


def test_filters_narrow_by_document_and_page(knowledge_base):
    pdf, md = ingest(knowledge_base, {"handbook.pdf": SAMPLES["pdf"][1], "guide.md": SAMPLES["md"][1]})

    only_md = knowledge_search(knowledge_base=knowledge_base, query=QUERY, mode="hybrid", top_k=5,
                               filters=SearchFilters(document_ids=[md.pk]))
    page_two = knowledge_search(knowledge_base=knowledge_base, query=QUERY, mode="hybrid", top_k=5,
                                filters=SearchFilters(file_types=["pdf"], page_from=2, page_to=2))

    assert {h.document_id for h in only_md} == {md.pk}
    assert [(h.document_id, h.page) for h in page_two] == [(pdf.pk, 2)]


def test_parent_child_matches_small_chunks_and_returns_their_parent(owner):
    kb = knowledge_base_create(workspace=owner.workspace, name="PC", chunking={
        "mode": "parent_child", "max_length": 80, "overlap": 0, "parent_max_length": 600})
    filler = " ".join(f"Sentence number {i} talks about office chairs." for i in range(8))
    ingest(kb, {"notes.txt": f"{filler} Penguin parking permits are renewed in March.".encode()})

    (hit, *_) = knowledge_search(knowledge_base=kb, query=QUERY, mode="hybrid", top_k=3)

    assert "Penguin" in hit.matched_text and len(hit.matched_text) <= 80
    assert hit.matched_text in hit.text and len(hit.text) > len(hit.matched_text)


def test_another_workspace_never_sees_these_chunks(knowledge_base, outsider):
    ingest(knowledge_base, {"guide.md": SAMPLES["md"][1]})
    theirs = knowledge_base_create(workspace=outsider.workspace, name="Handbook")

    assert knowledge_search(knowledge_base=theirs, query=QUERY, mode="hybrid", top_k=5) == []
