"""Finds the built frontend (frontend/dist, Vite manifest): the entry script of a page and every
stylesheet it needs. Two entries: the single-page app and the public web chat page."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings

SPA_ENTRY = "src/main.tsx"
CHAT_ENTRY = "src/share/main.tsx"


@dataclass(frozen=True)
class FrontendAssets:
    script: str
    styles: list[str] = field(default_factory=list)


def manifest_path() -> Path:
    return Path(settings.FRONTEND_DIST) / ".vite" / "manifest.json"


@lru_cache(maxsize=4)
def _manifest(path: Path, mtime: float) -> dict[str, Any]:
    return json.loads(path.read_text())


def _assets(manifest: dict[str, Any], name: str) -> FrontendAssets | None:
    entry = manifest.get(name)
    if entry is None or not entry.get("isEntry"):
        return None
    # Chunks shared by both entries (React) carry their own CSS: collect it through the imports.
    styles: list[str] = []
    seen: set[str] = set()
    pending = [name]
    while pending:
        key = pending.pop(0)
        if key in seen or key not in manifest:
            continue
        seen.add(key)
        styles += [f"app/{css}" for css in manifest[key].get("css", []) if f"app/{css}" not in styles]
        pending += manifest[key].get("imports", [])
    return FrontendAssets(script=f"app/{entry['file']}", styles=styles)


def frontend_assets(entry: str = SPA_ENTRY) -> FrontendAssets | None:
    """The entry's script and styles, or None when the frontend has not been built (or was built
    without this entry)."""
    path = manifest_path()
    if not path.exists():
        return None
    return _assets(_manifest(path, path.stat().st_mtime), entry)
