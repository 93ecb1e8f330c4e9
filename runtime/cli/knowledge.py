"""``--knowledge DIR``: Markdown and text files split into paragraphs, held in memory.

The platform's own knowledge bases live in pgvector; the command line needs no database, so it
searches the files with the runtime's in-memory BM25 retriever.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from runtime.memory_retriever import InMemoryRetriever

SUFFIXES = (".md", ".markdown", ".txt")
_BLANK_LINES = re.compile(r"\n\s*\n")
_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$")


@dataclass(frozen=True, slots=True)
class Passage:
    text: str
    document: str
    title: str
    position: int


def split_document(text: str, document: str) -> list[Passage]:
    """Paragraphs of one file. A heading is kept with the paragraph under it, so that a passage
    read alone still says what it is about; the first heading titles the document."""
    title = Path(document).stem.replace("-", " ").replace("_", " ")
    passages: list[Passage] = []
    pending_heading = ""
    for block in _BLANK_LINES.split(text.replace("\r\n", "\n")):
        block = block.strip()
        if not block:
            continue
        lines = block.splitlines()
        heading = _HEADING.match(lines[0])
        if heading:
            if not passages and not pending_heading:
                title = heading.group(1)
            if len(lines) == 1:
                pending_heading = block
                continue
        if pending_heading:
            block = f"{pending_heading}\n{block}"
            pending_heading = ""
        passages.append(Passage(" ".join(block.split()), document, title, len(passages)))
    if pending_heading:
        passages.append(Passage(pending_heading, document, title, len(passages)))
    return passages


def read_folder(folder: str) -> list[Passage]:
    """Passages of every ``.md``/``.txt`` file under ``folder`` (sorted, recursive)."""
    root = Path(folder)
    if not root.is_dir():
        raise FileNotFoundError(f"{folder}: not a folder")
    passages: list[Passage] = []
    for path in sorted(p for p in root.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES):
        text = path.read_text(encoding="utf-8", errors="replace")
        passages += split_document(text, path.relative_to(root).as_posix())
    return passages


def retriever_for(passages: list[Passage], knowledge_bases: list[str]) -> InMemoryRetriever:
    """One in-memory retriever holding ``passages`` under each of ``knowledge_bases``."""
    retriever = InMemoryRetriever()
    for name in knowledge_bases:
        for p in passages:
            retriever.add(name, p.text, document=p.document, title=p.title, position=p.position)
    return retriever
