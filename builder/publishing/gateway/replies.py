"""Approved answers in front of a published app (:mod:`builder.replies`): every call of the
public API and of the web chat runs through :func:`replies_first`.

The app's reply switch is cached for ``SWITCH_CACHE_SECONDS``: with replies off — the default — a
call costs that cached read and nothing more (no embedding, no database thread). With replies on,
the question is embedded and matched on the gateway's database threads."""

from __future__ import annotations

from builder.publishing.gateway.catalog import Target
from builder.publishing.gateway.db import FreshCache, db
from builder.replies.selectors import reply_switch
from builder.replies.serving import ReplyFirst, ServedReply, reply_serve

SWITCH_CACHE_SECONDS = 1.0
_switches = FreshCache(SWITCH_CACHE_SECONDS)


def replies_first(target: Target) -> ReplyFirst:
    """What a call of ``target`` runs: its graph, unless one of the app's replies answers first."""
    app_id = target.app_id

    async def lookup(question: str) -> ServedReply | None:
        switch = await _switches.get(app_id, reply_switch, app_id=app_id)
        if not switch.enabled:
            return None
        return await db(reply_serve, app_id=app_id, question=question, threshold=switch.threshold)

    version = target.version
    return ReplyFirst(version.compiled, question_input=version.query_input,
                      answer_node=min(version.delta_nodes, default=None), lookup=lookup)
