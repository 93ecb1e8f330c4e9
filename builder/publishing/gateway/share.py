"""The public web chat of a published app: ``/v1/share/<token>`` (what the chat page shows),
``/v1/share/<token>/chat`` (send the conversation, get the answer as JSON or streamed) and
``/v1/share/<token>/runs/<run_id>/feedback`` (a visitor's thumbs up or down on an answer).

No API key: the link's random token is the credential. A link that is unknown, rotated away or
turned off — or whose app's endpoint is off — answers 404 ``chat_not_found``, always with the same
message. Messages map to the app's inputs exactly as in ``/v1/chat/completions``; the app's
production label answers (split between versions: the same arm for a visitor all along — the
body's ``visitor`` id, else the visitor's address), and every call is stored as a run with source
``web``. Each visitor
(client address) of a link may send the link's ``rate_limit_per_minute`` messages a minute, and
all visitors of a link together ``LLMOPS_WEB_CHAT_LINK_PER_MINUTE`` (the operator's cap: many
addresses must not spend a model budget without bound).

A visitor may rate an answer of this link's app (a run with source ``web``; any other run answers
404 ``run_not_found``) once: a second rating answers 409 ``feedback_given``. A rating counts
against the visitor's own limit, in a bucket apart from the messages. A thumbs down is what a
review queue's negative feedback rule takes into review.

Visitors are the public: they get the answer (streamed as ``delta`` events, then ``run.finished``
or ``run.failed``), not the app's inner nodes, usage or cost. A visitor who leaves before the
answer is complete (closes the page, stops the stream) cancels the run (see :mod:`.live`)."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings

from builder.publishing.errors import AppNotPublished, ChatNotFound, LabelNotFound, RunNotFound
from builder.publishing.gateway.bodies import ShareChatBody, VisitorFeedbackBody, parse_body
from builder.publishing.gateway.catalog import Catalog, Target
from builder.publishing.gateway.chat import answer_text, map_messages
from builder.publishing.gateway.db import FreshCache, db
from builder.publishing.gateway.http import Request, Send, send_json, sse_frame
from builder.publishing.gateway.keys import KeyInfo
from builder.publishing.gateway.limits import check_rate
from builder.publishing.gateway.live import LiveRun, Registry, public_event
from builder.publishing.gateway.runs import blocking_body, check_inputs, stream_live, wait_result
from builder.publishing.selectors import SharedChat, shared_chat_by_token
from builder.publishing.services import visitor_feedback_create
from runtime.events import NodeDelta

SHARE_CACHE_SECONDS = 1.0
NOT_AVAILABLE = "This chat is not available."
FEEDBACK_MAX_BYTES = 64 * 1024
RATING_NAMES = {1: "up", -1: "down"}


def _address(request: Request) -> str:
    client = request.scope.get("client")
    return client[0] if client else "-"


def _run_uuid(run_id: str) -> str:
    """The run id as the registry and the database spell it, or 404 ``run_not_found``."""
    try:
        return str(uuid.UUID(run_id))
    except ValueError:
        raise RunNotFound("Run not found.") from None


async def _visitor_rate(shared: SharedChat, prefix: str, address: str) -> None:
    """One visitor (client address) of a link: the link's ``rate_limit_per_minute`` requests a
    minute in the bucket ``prefix`` (messages and ratings apart: rating answers must not cost a
    visitor their next question)."""
    if shared.rate_limit_per_minute:
        await check_rate(f"{prefix}:{shared.publication_id}:{address}", shared.rate_limit_per_minute,
                         who="Each visitor of this chat")


def _declared_inputs(target: Target) -> list[dict[str, Any]]:
    """The production version's inputs a visitor fills in besides the message (the query and the
    history come from the conversation)."""
    taken = {target.version.query_input, target.version.history_input}
    return [
        {"name": i["name"], "type": i.get("type", "string"), "required": i.get("required", True),
         "default": i.get("default"), "description": i.get("description", "")}
        for i in target.version.graph.get("inputs", []) if i["name"] not in taken
    ]


def _finished(live: LiveRun) -> tuple[int, dict[str, Any]]:
    status, body = blocking_body(live)
    if status != 200:
        return status, body
    return 200, {"run_id": live.id, "answer": answer_text(body["outputs"]), "outputs": body["outputs"]}


def _frames(live: LiveRun):
    def frame(number: int, event) -> bytes:
        if type(event) is NodeDelta:
            return sse_frame(*public_event(event), number)
        if event.type == "run.finished":  # sent before live.result is set: read the event
            outputs = public_event(event)[1]["outputs"]
            return sse_frame("run.finished", {"run_id": live.id, "answer": answer_text(outputs), "outputs": outputs},
                             number)
        if event.type == "run.failed":
            return sse_frame("run.failed", {"run_id": live.id, "code": "run_failed", "message": event.message,
                                            "cause": event.code}, number)
        return b""  # run.started, node.*: the app's inside

    return frame


class ShareRoutes:
    def __init__(self, catalog: Catalog, registry: Registry):
        self.catalog = catalog
        self.registry = registry
        self._links = FreshCache(SHARE_CACHE_SECONDS)

    async def info(self, request: Request, send: Send, token: str) -> None:
        shared, target = await self._open(token)
        await send_json(send, 200, {
            "name": shared.name, "description": shared.description, "inputs": _declared_inputs(target),
            "rate_limit_per_minute": shared.rate_limit_per_minute,
        }, [(b"cache-control", b"no-store")])

    async def chat(self, request: Request, send: Send, token: str) -> None:
        shared = await self._shared(token)
        address = _address(request)
        await _visitor_rate(shared, "web-chat", address)
        if settings.LLMOPS_WEB_CHAT_LINK_PER_MINUTE:  # 0: no cap
            await check_rate(f"web-chat:{shared.publication_id}", settings.LLMOPS_WEB_CHAT_LINK_PER_MINUTE,
                             who="This chat, all visitors together,")
        body = parse_body(ShareChatBody, await request.json(settings.LLMOPS_V1_MAX_REQUEST_BYTES))
        stream = body.stream
        # A split production label serves a visitor the same arm for the whole conversation.
        visitor = f"visitor:{body.visitor}" if body.visitor else f"address:{address}"
        target = await self._target(shared, user=visitor)
        inputs = {**(body.inputs or {}), **map_messages(body.messages, target.version.query_input,
                                                         target.version.history_input)}
        inputs = check_inputs(target, inputs)
        # No API key: the run is recorded with none (ApiRun.api_key is null), in the app's workspace.
        caller = KeyInfo(None, "", shared.workspace_id, shared.app_id, None)
        live = self.registry.start(key=caller, target=target, inputs=inputs, source="web", stream=stream, end_user="",
                              idempotency_key=None)
        if stream:
            await stream_live(request, send, live, frame=_frames(live))
            return
        if not await wait_result(request, live):
            return  # the client hung up: the run is cancelled, nobody to answer
        status, payload = _finished(live)
        await send_json(send, status, payload, [(b"x-run-id", live.id.encode())])

    async def feedback(self, request: Request, send: Send, token: str, run_id: str) -> None:
        shared = await self._shared(token)
        await _visitor_rate(shared, "web-chat-feedback", _address(request))
        body = parse_body(VisitorFeedbackBody, await request.json(FEEDBACK_MAX_BYTES))
        run_id = _run_uuid(run_id)
        await self._until_stored(shared, run_id)
        await db(visitor_feedback_create, run_id=run_id, workspace_id=shared.workspace_id, app_id=shared.app_id,
                 rating=body.rating, comment=body.comment)
        await send_json(send, 201, {"run_id": run_id, "rating": RATING_NAMES[body.rating]})

    async def _until_stored(self, shared: SharedChat, run_id: str) -> None:
        """A run still in this process (an answer just finished, or not yet) is rated once its row
        is written; a run of another app or source answers as if it did not exist."""
        live = self.registry.runs.get(run_id)
        if live is None:
            return
        if (live.source, live.key.workspace_id, live.target.app_id) != ("web", shared.workspace_id, shared.app_id):
            raise RunNotFound("Run not found.")
        await live.stored.wait()

    async def _open(self, token: str) -> tuple[SharedChat, Target]:
        """The link's app and its production version (while split: the label's own), or 404
        ``chat_not_found``."""
        shared = await self._shared(token)
        return shared, await self._target(shared, primary=True)

    async def _shared(self, token: str) -> SharedChat:
        shared = await self._links.get(token, shared_chat_by_token, token=token)
        if shared is None:
            raise ChatNotFound(NOT_AVAILABLE)
        return shared

    async def _target(self, shared: SharedChat, *, user: str | None = None, primary: bool = False) -> Target:
        try:
            return await self.catalog.target(workspace_id=shared.workspace_id, slug=shared.slug, label=None,
                                             number=None, user=user, primary=primary)
        except (AppNotPublished, LabelNotFound):  # turned off or unpublished since the lookup
            raise ChatNotFound(NOT_AVAILABLE) from None
