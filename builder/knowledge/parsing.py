"""Turning an uploaded file into text sections with their page and heading, using well-kept
libraries: pypdf for PDF, python-docx for Word, Beautiful Soup for HTML, the standard library for
text, Markdown, CSV and JSON Lines. Every failure is a :class:`DocumentUnreadable` with a message
a user can act on."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

from builder.core.text import storable_text
from builder.knowledge.errors import DocumentUnreadable


@dataclass(frozen=True, slots=True)
class Section:
    """A run of text that shares one page and one heading (chunks never cross sections)."""

    text: str
    page: int | None = None
    heading: str = ""


#: The file types a knowledge base accepts, by extension.
FILE_TYPES: dict[str, str] = {
    ".txt": "txt",
    ".text": "txt",
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".pdf": "pdf",
    ".docx": "docx",
    ".csv": "csv",
    ".jsonl": "jsonl",
}
EXTENSIONS = {file_type: ext for ext, file_type in reversed(FILE_TYPES.items())}


def parse_document(data: bytes, file_type: str) -> list[Section]:
    """Sections of a document; raises :class:`DocumentUnreadable` when nothing can be read. Text
    the database cannot hold (a NUL in a PDF's text layer, say) is made storable here."""
    sections = [
        Section(storable_text(s.text), s.page, storable_text(s.heading))
        for s in _PARSERS[file_type](data) if s.text.strip()
    ]
    if not sections:
        raise DocumentUnreadable("The document contains no text that could be extracted.", code="no_text")
    return sections


def decode_text(data: bytes) -> str:
    if b"\x00" in data[:4096]:
        raise DocumentUnreadable("The file is binary, not text.", code="not_text")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _parse_txt(data: bytes) -> list[Section]:
    return [Section(decode_text(data))]


_MD_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")


def _parse_markdown(data: bytes) -> list[Section]:
    """One section per heading; the heading is the path of titles, e.g. 'Leave › Sick leave'."""
    sections: list[Section] = []
    trail: list[tuple[int, str]] = []
    lines: list[str] = []
    in_code = False

    def flush() -> None:
        if "".join(lines).strip():
            sections.append(Section("\n".join(lines).strip(), None, " › ".join(t for _, t in trail)))
        lines.clear()

    for line in decode_text(data).splitlines():
        if line.lstrip().startswith("```"):
            in_code = not in_code
        match = None if in_code else _MD_HEADING.match(line)
        if match:
            flush()
            level = len(match.group(1))
            trail[:] = [(lvl, title) for lvl, title in trail if lvl < level] + [(level, match.group(2))]
        lines.append(line)
    flush()
    return sections


_HTML_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_HTML_BLOCKS = (*_HTML_HEADINGS, "p", "li", "pre", "blockquote", "td", "th", "dt", "dd", "figcaption", "caption")


def _parse_html(data: bytes) -> list[Section]:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(decode_text(data), "html.parser")
    for tag in soup(["script", "style", "noscript", "template", "head"]):
        tag.decompose()
    sections: list[Section] = []
    heading, lines = "", []
    blocks = [b for b in soup.find_all(_HTML_BLOCKS) if not b.find(_HTML_BLOCKS)]
    for block in blocks:
        text = block.get_text(" ", strip=True)
        if not text:
            continue
        if block.name in _HTML_HEADINGS:
            if lines:
                sections.append(Section("\n\n".join(lines), None, heading))
            heading, lines = text, [text]
        else:
            lines.append(text)
    if lines:
        sections.append(Section("\n\n".join(lines), None, heading))
    if not sections:  # a page without block markup: its plain text
        sections.append(Section(soup.get_text("\n", strip=True)))
    return sections


def _parse_pdf(data: bytes) -> list[Section]:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    if not data.lstrip().startswith(b"%PDF"):
        raise DocumentUnreadable("The file is not a PDF.", code="corrupt_file")
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise DocumentUnreadable("The PDF is encrypted; upload a copy without a password.", code="encrypted_pdf")
        return [Section(page.extract_text() or "", number) for number, page in enumerate(reader.pages, start=1)]
    except DocumentUnreadable:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as error:
        raise DocumentUnreadable(f"The PDF could not be read ({error}).", code="corrupt_file") from error


def _parse_docx(data: bytes) -> list[Section]:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as error:
        raise DocumentUnreadable(
            "The Word document could not be read (not a valid .docx).", code="corrupt_file"
        ) from error
    sections: list[Section] = []
    heading, lines = "", []
    for paragraph in document.paragraphs:
        text = paragraph.text.strip()
        if not text:
            continue
        style = (paragraph.style.name if paragraph.style is not None else "") or ""
        if style.startswith("Heading") or style == "Title":
            if lines:
                sections.append(Section("\n\n".join(lines), None, heading))
            heading, lines = text, [text]
        else:
            lines.append(text)
    if lines:
        sections.append(Section("\n\n".join(lines), None, heading))
    for table in document.tables:
        rows = [" | ".join(cell.text.strip() for cell in row.cells) for row in table.rows]
        sections.append(Section("\n".join(rows), None, heading))
    return sections


def _record_text(record: dict) -> tuple[str, str]:
    """A CSV row or JSON object as 'field: value' lines, and a title when it has one."""
    title = str(record.get("title") or record.get("name") or record.get("question") or "")
    body = record.get("text") or record.get("content")
    if isinstance(body, str):
        return (f"{title}\n{body}" if title else body), title
    lines = [f"{key}: {value}" for key, value in record.items() if value not in (None, "")]
    return "\n".join(lines), title


def _parse_csv(data: bytes) -> list[Section]:
    text = decode_text(data)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        rows = list(csv.DictReader(io.StringIO(text), dialect=dialect))
    except csv.Error as error:
        raise DocumentUnreadable(f"The CSV file could not be read ({error}).", code="corrupt_file") from error
    sections = []
    for number, row in enumerate(rows, start=2):  # line 1 holds the column names
        body, title = _record_text({str(k): v for k, v in row.items() if k is not None})
        sections.append(Section(body, None, title or f"Row {number}"))
    return sections


def _parse_jsonl(data: bytes) -> list[Section]:
    sections = []
    for number, line in enumerate(decode_text(data).splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise DocumentUnreadable(f"Line {number} is not valid JSON ({error.msg}).", code="corrupt_file") from error
        if isinstance(record, str):
            sections.append(Section(record, None, f"Line {number}"))
        elif isinstance(record, dict):
            body, title = _record_text(record)
            sections.append(Section(body, None, title or f"Line {number}"))
        else:
            raise DocumentUnreadable(f"Line {number} is neither an object nor a string.", code="corrupt_file")
    return sections


_PARSERS: dict[str, Callable[[bytes], list[Section]]] = {
    "txt": _parse_txt,
    "md": _parse_markdown,
    "html": _parse_html,
    "pdf": _parse_pdf,
    "docx": _parse_docx,
    "csv": _parse_csv,
    "jsonl": _parse_jsonl,
}
