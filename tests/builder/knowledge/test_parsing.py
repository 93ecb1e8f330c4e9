"""Parsing each file type into sections with pages and headings; unreadable files say why."""

import pytest

from builder.knowledge.errors import DocumentUnreadable
from builder.knowledge.parsing import parse_document
from tests.builder.knowledge.samples import FACT, SAMPLES, pdf_bytes


@pytest.mark.parametrize("file_type", sorted(SAMPLES))
def test_every_type_yields_the_fact(file_type):
    sections = parse_document(SAMPLES[file_type][1], file_type)

    assert any("Penguin parking permits" in s.text for s in sections)


def test_pdf_sections_carry_their_page_number():
    sections = parse_document(pdf_bytes(["first page", FACT]), "pdf")

    assert [s.page for s in sections] == [1, 2]
    assert "Penguin" in sections[1].text


def test_markdown_headings_become_a_heading_path():
    sections = parse_document(SAMPLES["md"][1], "md")

    assert sections[-1].heading == "Facilities › Parking"


def test_html_drops_scripts_and_keeps_headings():
    sections = parse_document(SAMPLES["html"][1], "html")

    assert all("var a" not in s.text for s in sections)
    assert sections[-1].heading == "Parking"


def test_docx_headings_are_kept():
    assert parse_document(SAMPLES["docx"][1], "docx")[0].heading == "Parking"


@pytest.mark.parametrize(
    ("data", "file_type", "code"),
    [
        (b"%PDF-1.7\nthis is not really a pdf", "pdf", "corrupt_file"),
        (b"PK\x03\x04 broken zip", "docx", "corrupt_file"),
        (b'{"ok": 1}\n{broken', "jsonl", "corrupt_file"),
        (b"   \n\n  ", "txt", "no_text"),
    ],
)
def test_unreadable_files_fail_with_a_reason(data, file_type, code):
    with pytest.raises(DocumentUnreadable) as failure:
        parse_document(data, file_type)

    assert failure.value.code == code and failure.value.message
