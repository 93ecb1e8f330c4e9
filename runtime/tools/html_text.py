"""HTML to readable plain text, with the standard library's tolerant HTML parser.

Scripts, styles, templates and other invisible parts are dropped; block elements become
line breaks, list items become ``- `` bullets, headings keep a ``#`` marker, table cells
are separated by `` | ``; whitespace is collapsed the way a browser would.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

_SKIPPED = frozenset({"script", "style", "noscript", "template", "svg", "canvas", "iframe", "object", "head"})
_BLOCKS = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "dd",
        "details",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "header",
        "hr",
        "html",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "thead",
        "tfoot",
        "tr",
        "ul",
    }
)
_HEADINGS = {"h1": "# ", "h2": "## ", "h3": "### ", "h4": "#### ", "h5": "##### ", "h6": "###### "}
_VOID = frozenset(
    {"br", "hr", "img", "input", "meta", "link", "area", "base", "col", "embed", "source", "wbr"}
)
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")


@dataclass(frozen=True, slots=True)
class PageText:
    """The readable text of a page and its ``<title>``."""

    title: str
    text: str


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.current: list[str] = []
        self.title: list[str] = []
        self.skip_depth = 0
        self.in_title = False
        self.in_pre = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self.in_title = True
        if tag in _SKIPPED:
            if tag not in _VOID:
                self.skip_depth += 1
            return
        if self.skip_depth:
            return
        if tag == "br":
            self.flush(keep_empty=True)
        elif tag in _BLOCKS or tag in _HEADINGS or tag == "li":
            self.flush()
            if tag in _HEADINGS:
                self.current.append(_HEADINGS[tag])
            elif tag == "li":
                self.current.append("- ")
            elif tag == "pre":
                self.in_pre += 1
        elif tag in ("td", "th") and self.current and "".join(self.current).strip():
            self.current.append(" | ")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
        if tag in _SKIPPED:
            self.skip_depth = max(0, self.skip_depth - 1)
            return
        if self.skip_depth:
            return
        if tag == "pre" and self.in_pre:
            self.flush(raw=True)
            self.in_pre -= 1
        elif tag in _BLOCKS or tag in _HEADINGS or tag == "li":
            self.flush()
        elif tag in ("td", "th"):
            self.current.append(" ")

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title.append(data)
        if self.skip_depth:
            return
        if self.in_pre:
            for i, part in enumerate(data.split("\n")):
                if i:
                    self.flush(keep_empty=True, raw=True)
                self.current.append(part)
        else:
            self.current.append(data.replace("\n", " "))

    def flush(self, keep_empty: bool = False, raw: bool = False) -> None:
        text = "".join(self.current)
        self.current = []
        line = text.rstrip() if raw else _SPACES.sub(" ", text).strip()
        if line.strip() in ("", "-", "|") and not keep_empty:
            return
        self.lines.append(line)


def html_to_text(html: str) -> PageText:
    """The readable text of ``html``: paragraphs separated by single line breaks, no markup."""
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    parser.flush()
    lines: list[str] = []
    for line in parser.lines:
        if line.strip() or (lines and lines[-1].strip()):
            lines.append(line)
    title = _SPACES.sub(" ", " ".join(parser.title)).strip()
    return PageText(title=title, text="\n".join(lines).strip())
