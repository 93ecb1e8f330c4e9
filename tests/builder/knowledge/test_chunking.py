"""Chunking: maximum length, overlap, separators and parent-child plans."""

from itertools import pairwise

from builder.knowledge.chunking import ChunkingSettings, plan_chunks, split
from builder.knowledge.parsing import Section

WORDS = " ".join(f"word{i}" for i in range(400))


def test_no_chunk_is_longer_than_the_maximum_and_nothing_is_lost():
    chunks = split(WORDS, 200, 0, [". ", " "])

    assert all(len(c) <= 200 for c in chunks)
    assert " ".join(chunks).split() == WORDS.split()


def test_consecutive_chunks_overlap_by_about_the_overlap():
    chunks = split(WORDS, 200, 50, [" "])

    for before, after in pairwise(chunks):
        assert after.split()[0] in before.split()[-10:]


def test_small_paragraphs_are_merged_and_never_cut_when_they_fit():
    text = "First paragraph here.\n\nSecond one.\n\nThird paragraph is the last."
    chunks = split(text, 40, 0, ["\n\n", " "])

    assert chunks == ["First paragraph here.\n\nSecond one.", "Third paragraph is the last."]


def test_parent_child_children_point_at_a_parent_that_contains_them():
    settings = ChunkingSettings(mode="parent_child", max_length=100, overlap=0, parent_max_length=400)
    plan = plan_chunks([Section(WORDS, page=3, heading="Words")], settings)
    parents = {c.position: c for c in plan if c.role == "parent"}
    children = [c for c in plan if c.role == "child"]

    assert parents and children
    assert all(child.text in parents[child.parent_position].text for child in children)
    assert {c.page for c in plan} == {3} and {c.heading for c in plan} == {"Words"}


def test_the_same_input_always_gives_the_same_plan():
    sections = [Section(WORDS, 1, "A"), Section(WORDS[:500], 2, "B")]
    assert plan_chunks(sections, ChunkingSettings()) == plan_chunks(sections, ChunkingSettings())


def test_overlap_must_be_smaller_than_the_chunk():
    import pytest
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        ChunkingSettings(max_length=100, overlap=100)
