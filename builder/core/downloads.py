"""Views that answer files: their ``?format=`` names the file's format (csv, jsonl, yaml …), not one
of DRF's renderers (DRF would answer 404 for a format it has no renderer for)."""

from __future__ import annotations

from typing import Any


class FileFormatParam:
    def perform_content_negotiation(self, request: Any, force: bool = False) -> Any:
        return super().perform_content_negotiation(request, force=True)  # type: ignore[misc]
