"""Small documents of every supported type, made in memory, each about one distinctive fact."""

from __future__ import annotations

import io
import json

from django.core.files.uploadedfile import SimpleUploadedFile

FACT = "Penguin parking permits are renewed every March at the harbour office."
OTHER = "The cafeteria serves lentil soup on rainy Thursdays."


def pdf_bytes(pages: list[str]) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("Helvetica", size=12)
    for text in pages:
        pdf.add_page()
        pdf.multi_cell(0, 8, text)
    return bytes(pdf.output())


def docx_bytes(heading: str, paragraphs: list[str]) -> bytes:
    import docx

    document = docx.Document()
    document.add_heading(heading, level=1)
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


SAMPLES: dict[str, tuple[str, bytes]] = {
    "txt": ("notes.txt", f"{OTHER}\n\n{FACT}\n".encode()),
    "md": ("guide.md", f"# Facilities\n\n{OTHER}\n\n## Parking\n\n{FACT}\n".encode()),
    "html": ("page.html", f"<html><head><title>x</title><script>var a=1;</script></head><body>"
                          f"<h1>Facilities</h1><p>{OTHER}</p><h2>Parking</h2><p>{FACT}</p></body></html>".encode()),
    "pdf": ("handbook.pdf", pdf_bytes([OTHER, FACT])),
    "docx": ("memo.docx", docx_bytes("Parking", [OTHER, FACT])),
    "csv": ("faq.csv", f'question,answer\nWhat is for lunch?,"{OTHER}"\nHow do permits work?,"{FACT}"\n'.encode()),
    "jsonl": ("faq.jsonl", "\n".join(json.dumps({"title": t, "text": x}) for t, x in
                                     [("Lunch", OTHER), ("Parking", FACT)]).encode()),
}


def upload(name: str, data: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)
