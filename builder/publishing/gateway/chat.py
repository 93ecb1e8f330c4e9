"""OpenAI-compatible ``/v1/chat/completions`` and ``/v1/models``.

``model`` names a published app: ``slug`` (its production label), ``slug@staging`` (a label)
or ``slug@v3`` (a version). Messages map to the app's inputs: the last user message becomes the
app's first declared string input (other than ``history``); the messages before it become the
``history`` input (a list of ``{"role", "content"}``) when the app declares one, else they are
left out. Other inputs can be passed as ``inputs`` in the body (``extra_body`` in the SDK).
A label split between versions (A/B) serves ``user`` always the same arm (random without one)."""

from __future__ import annotations

import json
import time
from typing import Any

from django.conf import settings

from builder.publishing.errors import BadRequest
from builder.publishing.gateway.bodies import ChatCompletionBody, ChatMessage, parse_body
from builder.publishing.gateway.catalog import Catalog, split_model
from builder.publishing.gateway.db import db
from builder.publishing.gateway.http import Request, Send, dumps, send_json
from builder.publishing.gateway.keys import KeyGate
from builder.publishing.gateway.live import LiveRun, Registry
from builder.publishing.gateway.runs import blocking_body, check_inputs, stream_live, wait_result
from builder.publishing.selectors import published_apps
from runtime.events import NodeDelta


def map_messages(messages: list[ChatMessage], query_input: str | None, history_input: str | None) -> dict[str, Any]:
    """The app's inputs from a conversation: the last user message is the query, the messages
    before it the history (when the app declares one)."""
    last_user = max((i for i, m in enumerate(messages) if m.role == "user"), default=None)
    if last_user is None:
        raise BadRequest("'messages' needs at least one user message.")
    if query_input is None:
        raise BadRequest("This app declares no string input to receive the user's message.",
                         code="app_not_chat_compatible")
    inputs: dict[str, Any] = {query_input: messages[last_user].content}
    if history_input:
        inputs[history_input] = [{"role": m.role, "content": m.content} for m in messages[:last_user]]
    return inputs


def answer_text(outputs: dict[str, Any]) -> str:
    if isinstance(outputs.get("answer"), str):
        return outputs["answer"]
    texts = [v for v in outputs.values() if isinstance(v, str)]
    return texts[0] if len(texts) == 1 else json.dumps(outputs, ensure_ascii=False)


def _usage(live: LiveRun) -> dict[str, int]:
    totals = live.result.totals
    return {"prompt_tokens": totals.tokens_in, "completion_tokens": totals.tokens_out,
            "total_tokens": totals.tokens_in + totals.tokens_out}


class ChatRoutes:
    def __init__(self, gate: KeyGate, catalog: Catalog, registry: Registry):
        self.gate = gate
        self.catalog = catalog
        self.registry = registry

    async def completions(self, request: Request, send: Send) -> None:
        key = await self.gate.authenticate(request.headers.get("authorization"))
        body = parse_body(ChatCompletionBody, await request.json(settings.LLMOPS_V1_MAX_REQUEST_BYTES))
        model = body.model
        slug, label, number = split_model(model)
        target = await self.catalog.target(workspace_id=key.workspace_id, slug=slug, label=label, number=number,
                                           user=(body.user or "")[:200] or None)
        key.check_app(target.app_id)
        inputs = {**(body.inputs or {}), **map_messages(body.messages, target.version.query_input,
                                                         target.version.history_input)}
        inputs = check_inputs(target, inputs)
        stream = body.stream is True
        live = self.registry.start(key=key, target=target, inputs=inputs, source="chat", stream=stream,
                                   end_user=(body.user or "")[:200], idempotency_key=None)
        completion_id = "chatcmpl-" + live.id.replace("-", "")
        # Unix seconds, not ISO 8601 as elsewhere in /v1: OpenAI's protocol defines ``created`` so
        # and its clients parse it as an integer (so does /v1/models).
        created = int(time.time())
        if stream:
            include_usage = bool((body.stream_options or {}).get("include_usage"))
            await self._stream(request, send, live, completion_id, created, model, include_usage)
            return
        if not await wait_result(request, live):
            return  # the client hung up: the run is cancelled, nobody to answer
        status, payload = blocking_body(live)
        if status != 200:
            await send_json(send, status, payload)
            return
        await send_json(send, 200, {
            "id": completion_id, "object": "chat.completion", "created": created, "model": model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": answer_text(live.result.outputs)},
                         "finish_reason": "stop"}],
            "usage": _usage(live), "run_id": live.id,
            "system_fingerprint": f"v{target.version.number}",
        }, [(b"x-run-id", live.id.encode())])

    async def _stream(self, request: Request, send: Send, live: LiveRun, completion_id: str, created: int,
                      model: str, include_usage: bool) -> None:
        sent_text = [False]

        def chunk(delta: dict[str, Any], finish: str | None = None, usage: Any = None) -> bytes:
            out = {"id": completion_id, "object": "chat.completion.chunk", "created": created, "model": model,
                   "choices": [{"index": 0, "delta": delta, "finish_reason": finish}] if delta is not None else []}
            if include_usage:
                out["usage"] = usage
            return b"data: " + dumps(out) + b"\n\n"

        def frame(number: int, event) -> bytes:
            kind = event.type
            if number == 1:
                head = chunk({"role": "assistant", "content": ""})
            else:
                head = b""
            if type(event) is NodeDelta:
                sent_text[0] = True
                return head + chunk({"content": event.text})
            if kind == "run.finished":
                tail = b""
                if not sent_text[0]:  # nothing streamed: send the answer in one piece
                    tail += chunk({"content": answer_text(live.result.outputs if live.result else event.outputs)})
                tail += chunk({}, "stop")
                if include_usage:
                    totals = event.totals
                    tail += chunk(None, usage={"prompt_tokens": totals.tokens_in,
                                               "completion_tokens": totals.tokens_out,
                                               "total_tokens": totals.tokens_in + totals.tokens_out})
                return head + tail
            if kind == "run.failed":
                error = {"code": "run_failed", "message": event.message,
                         "details": {"run_id": live.id, "cause": event.code, "node_id": event.node_id}}
                return head + b"data: " + dumps({"error": error}) + b"\n\n"
            return head

        await stream_live(request, send, live, frame=frame, finish=b"data: [DONE]\n\n")

    async def models(self, request: Request, send: Send) -> None:
        key = await self.gate.authenticate(request.headers.get("authorization"))
        apps = await db(published_apps, workspace_id=key.workspace_id, app_id=key.app_id)
        await send_json(send, 200, {"object": "list", "data": [
            {"id": app["slug"], "object": "model", "created": int(app["created_at"].timestamp()),
             "owned_by": "llmops-studio", "name": app["name"], "labels": app["labels"]}
            for app in apps
        ]})
