"""Finds the built single-page app (frontend/dist, Vite manifest) for the shell page."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from django.conf import settings

ENTRY = "index.html"


@dataclass(frozen=True)
class FrontendAssets:
    script: str
    styles: list[str] = field(default_factory=list)


def manifest_path() -> Path:
    return Path(settings.FRONTEND_DIST) / ".vite" / "manifest.json"


@lru_cache(maxsize=4)
def _load(path: Path, mtime: float) -> FrontendAssets | None:
    manifest = json.loads(path.read_text())
    entry = manifest.get(ENTRY) or next((v for v in manifest.values() if v.get("isEntry")), None)
    if entry is None:
        return None
    return FrontendAssets(script=f"app/{entry['file']}", styles=[f"app/{css}" for css in entry.get("css", [])])


def frontend_assets() -> FrontendAssets | None:
    """The entry script and styles, or None when the frontend has not been built."""
    path = manifest_path()
    if not path.exists():
        return None
    return _load(path, path.stat().st_mtime)
