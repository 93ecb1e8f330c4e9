"""The search settings of a knowledge base (its defaults) and of one query."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SearchMode = Literal["vector", "full_text", "hybrid"]
SEARCH_MODES: tuple[SearchMode, ...] = ("vector", "full_text", "hybrid")


class SearchSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    mode: SearchMode = "hybrid"
    top_k: int = Field(5, ge=1, le=100)
    score_threshold: float | None = Field(None, ge=0, le=1)
