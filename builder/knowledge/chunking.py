"""Cutting parsed sections into chunks: separators, maximum length, overlap, and a parent-child mode
(small children are matched, their parent section part is returned). Pure Python and deterministic:
the same sections and settings always give the same chunks at the same positions, which is what
lets an interrupted ingestion resume without duplicating anything."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from builder.knowledge.parsing import Section

DEFAULT_SEPARATORS = ["\n\n", "\n", ". ", " "]


class ChunkingSettings(BaseModel):
    """How a knowledge base cuts its documents. Lengths are in characters."""

    model_config = ConfigDict(extra="forbid")

    mode: Literal["general", "parent_child"] = "general"
    separators: list[str] = Field(default_factory=lambda: list(DEFAULT_SEPARATORS), max_length=10)
    max_length: int = Field(800, ge=50, le=8000)
    overlap: int = Field(100, ge=0, le=2000)
    parent_max_length: int = Field(2000, ge=100, le=20000)

    @model_validator(mode="after")
    def _lengths_fit(self) -> ChunkingSettings:
        if self.overlap >= self.max_length:
            raise ValueError("overlap must be smaller than max_length")
        if self.mode == "parent_child" and self.parent_max_length <= self.max_length:
            raise ValueError("parent_max_length must be larger than max_length in parent_child mode")
        if any(not s for s in self.separators):
            raise ValueError("separators must not be empty strings")
        return self


ChunkRole = Literal["chunk", "parent", "child"]


@dataclass(frozen=True, slots=True)
class PlannedChunk:
    """One chunk row to store. ``position`` is unique within its document."""

    position: int
    role: ChunkRole
    text: str
    page: int | None
    heading: str
    parent_position: int | None = None

    @property
    def searchable(self) -> bool:
        return self.role != "parent"


def plan_chunks(sections: list[Section], settings: ChunkingSettings) -> list[PlannedChunk]:
    """Every chunk of a document, in reading order. Chunks never cross a section (page/heading)."""
    planned: list[PlannedChunk] = []
    for section in sections:
        if settings.mode == "general":
            for text in split(section.text, settings.max_length, settings.overlap, settings.separators):
                planned.append(PlannedChunk(len(planned), "chunk", text, section.page, section.heading))
            continue
        for parent_text in split(section.text, settings.parent_max_length, 0, settings.separators):
            parent_position = len(planned)
            planned.append(PlannedChunk(parent_position, "parent", parent_text, section.page, section.heading))
            for text in split(parent_text, settings.max_length, settings.overlap, settings.separators):
                planned.append(
                    PlannedChunk(len(planned), "child", text, section.page, section.heading, parent_position)
                )
    return planned


def split(text: str, max_length: int, overlap: int, separators: list[str]) -> list[str]:
    """Pieces of ``text`` no longer than ``max_length``, cut at the first separator that works,
    with about ``overlap`` characters of the previous piece repeated at the start of the next."""
    text = text.strip()
    if not text:
        return []
    pieces = _pieces(text, max_length, separators)
    return _merge(pieces, max_length, overlap)


def _pieces(text: str, max_length: int, separators: list[str]) -> list[str]:
    if len(text) <= max_length:
        return [text]
    for index, separator in enumerate(separators):
        if separator not in text:
            continue
        parts = text.split(separator)
        # keep the separator with the piece it ends, so merged chunks read as the original did
        parts = [part + separator for part in parts[:-1]] + [parts[-1]]
        result: list[str] = []
        for part in parts:
            if not part:
                continue
            if len(part) > max_length:
                result.extend(_pieces(part, max_length, separators[index + 1 :]))
            else:
                result.append(part)
        return result
    return [text[start : start + max_length] for start in range(0, len(text), max_length)]


def _merge(pieces: list[str], max_length: int, overlap: int) -> list[str]:
    chunks: list[str] = []
    current = ""
    for piece in pieces:
        if current and len(current) + len(piece) > max_length:
            chunks.append(current.strip())
            tail = _tail(current, overlap)
            current = tail + piece if len(tail) + len(piece) <= max_length else piece
        else:
            current += piece
    if current.strip():
        chunks.append(current.strip())
    return [chunk for chunk in chunks if chunk]


def _tail(text: str, overlap: int) -> str:
    """The last ``overlap`` characters, starting at a word boundary when there is one."""
    if overlap <= 0:
        return ""
    tail = text[-overlap:]
    space = tail.find(" ")
    return tail[space + 1 :] if 0 <= space < len(tail) - 1 else tail
