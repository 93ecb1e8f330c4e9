"""Screenshots of whole pages from browser tests (for the README and for looking back at a run)."""

from __future__ import annotations

from pathlib import Path

MAX_HEIGHT = 4000


def whole_page(page, path: Path) -> None:
    """The whole page. The app's shell scrolls its content pane (#main), not the document, so
    ``full_page`` alone would cut a long page at the window's height: the window grows for the
    picture, then returns to its size, so the test goes on at the size it was written for."""
    path.parent.mkdir(parents=True, exist_ok=True)
    hidden = page.evaluate("() => { const m = document.getElementById('main');"
                           " return m ? Math.max(0, m.scrollHeight - m.clientHeight) : 0; }")
    size = page.viewport_size
    if hidden and size:
        page.set_viewport_size({**size, "height": min(size["height"] + hidden, MAX_HEIGHT)})
    try:
        page.screenshot(path=str(path), full_page=True)
    finally:
        if hidden and size:
            page.set_viewport_size(size)
