"""The public pages of sharing: the web chat page of a published app (``/chat/<token>/``, no sign-in,
frameable by any site) and ``/embed.js``, the script other sites add to open it from a floating
button. Neither holds a secret: the link's token is all the page knows, and it is in the URL."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import condition, require_safe

from builder.publishing.selectors import shared_chat_by_token
from builder.web.frontend import CHAT_ENTRY, frontend_assets

EMBED_SCRIPT = Path(__file__).parent / "assets" / "embed.js"
EMBED_MAX_AGE_SECONDS = 3600


def _page(template: str, context: dict, *, status: int = 200) -> HttpResponse:
    # Rendered without the request: nothing on these pages depends on who looks at them.
    response = HttpResponse(render_to_string(template, context), status=status)
    response["Cache-Control"] = "no-store"  # a turned-off or rotated link must stop showing at once
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_safe
@xframe_options_exempt  # embedded by other sites (embed.js, <iframe>); every other page keeps DENY
def web_chat_page(request: HttpRequest, token: str) -> HttpResponse:
    """The chat: a turned-off, rotated or unknown link gets the same plain 404 page."""
    shared = shared_chat_by_token(token=token)
    if shared is None:
        return _page("publishing/chat_unavailable.html", {}, status=404)
    return _page("publishing/chat.html", {
        "assets": frontend_assets(CHAT_ENTRY), "shared": shared, "token": token,
        "embed": request.GET.get("embed") == "1",
    })


@lru_cache(maxsize=2)
def _embed_script(mtime: float) -> tuple[bytes, str]:
    body = EMBED_SCRIPT.read_bytes()
    return body, hashlib.sha256(body).hexdigest()[:32]


def _embed_etag(request: HttpRequest) -> str:
    return _embed_script(EMBED_SCRIPT.stat().st_mtime)[1]


@require_safe
@condition(etag_func=_embed_etag)
def embed_js(request: HttpRequest) -> HttpResponse:
    """``<script src="https://studio.example.com/embed.js" data-chat="<token>" defer></script>``"""
    body, _ = _embed_script(EMBED_SCRIPT.stat().st_mtime)
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    # A stable URL that other sites reference: cached for an hour, then revalidated by ETag.
    response["Cache-Control"] = f"public, max-age={EMBED_MAX_AGE_SECONDS}"
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    response["Access-Control-Allow-Origin"] = "*"
    return response
