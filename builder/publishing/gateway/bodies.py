"""What the public API accepts: one pydantic model per request body, validated once at the edge.

A body that does not fit answers 400 ``invalid_request``; ``details`` lists every field that is
wrong (``{"field": "messages[1].content", "message": …}``) and the message names the first.
Unknown fields are ignored: OpenAI's SDK sends sampling settings an app does not take. Whether the
*inputs* fit the app is the app's own check (``inputs_invalid``), made once the version is known."""

from __future__ import annotations

from typing import Annotated, Any, Literal, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from builder.publishing.errors import BadRequest

B = TypeVar("B", bound=BaseModel)

MAX_MESSAGES = 500
_RATINGS = {"up": 1, "down": -1, "thumbs_up": 1, "thumbs_down": -1, 1: 1, -1: -1}


def _empty_if_none(value: Any) -> Any:
    return "" if value is None else value


UserText = Annotated[StrictStr, Field(max_length=200)]


class _Body(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class RunBody(_Body):
    """``POST /v1/apps/{slug}/run``. ``user`` names the caller's end user: stored with the run,
    and the arm of a label's A/B split that serves them stays the same (see ``gateway/splits.py``)."""

    inputs: dict[str, Any] = Field(default_factory=dict)
    label: StrictStr | None = None
    version: StrictInt | None = Field(default=None, ge=1)
    stream: StrictBool = False
    user: UserText = ""
    idempotency_key: UserText = ""

    _none_is_empty = field_validator("user", "idempotency_key", mode="before")(_empty_if_none)

    @field_validator("version", mode="before")
    @classmethod
    def _version_number(cls, value: Any) -> Any:
        if isinstance(value, str) and value[:1] in "vV" and value[1:].isdigit():
            return int(value[1:])
        if isinstance(value, bool):
            raise ValueError("a version is a number such as 3 (or 'v3')")
        return value

    @model_validator(mode="after")
    def _one_reference(self) -> RunBody:
        if self.label is not None and self.version is not None:
            raise ValueError("give either 'version' or 'label', not both")
        return self


def _rating_number(value: Any) -> int:
    """1 (thumbs up) or -1 (thumbs down), whichever way the caller writes it."""
    if isinstance(value, bool) or not isinstance(value, (str, int)) or value not in _RATINGS:
        raise ValueError("'up' or 'down' (or 1 / -1)")
    return _RATINGS[value]


Comment = Annotated[StrictStr, Field(max_length=10_000)]


class FeedbackBody(_Body):
    """``POST /v1/runs/{id}/feedback``: a rating, a score or a comment (at least one)."""

    rating: int | None = None
    score: int | float | None = None
    comment: Comment = ""
    user: UserText = ""

    _none_is_empty = field_validator("comment", "user", mode="before")(_empty_if_none)

    @field_validator("rating", mode="before")
    @classmethod
    def _rating(cls, value: Any) -> Any:
        return None if value is None else _rating_number(value)

    @field_validator("score", mode="before")
    @classmethod
    def _score(cls, value: Any) -> Any:
        is_number = isinstance(value, (int, float)) and not isinstance(value, bool)
        if value is not None and (not is_number or not 0 <= value <= 1):
            raise ValueError("a number between 0 and 1")
        return value

    @model_validator(mode="after")
    def _something(self) -> FeedbackBody:
        if self.rating is None and self.score is None and not self.comment:
            raise ValueError("send a 'rating', a 'score' or a 'comment'")
        return self


class VisitorFeedbackBody(_Body):
    """``POST /v1/share/{token}/runs/{id}/feedback``: a web chat visitor's thumbs up or down on an
    answer, with an optional comment. The rating is required: it is what a review queue's
    negative feedback rule reads."""

    rating: int
    comment: Comment = ""

    _none_is_empty = field_validator("comment", mode="before")(_empty_if_none)
    _up_or_down = field_validator("rating", mode="before")(_rating_number)


ROLES = ("system", "developer", "user", "assistant", "tool")


class ToolCall(_Body):
    """A call an assistant message made (``tool_calls[i]``); the app is not shown it."""

    id: Annotated[StrictStr, Field(min_length=1)]
    type: StrictStr = "function"


class ChatMessage(_Body):
    """A message of the conversation, checked by its role as OpenAI does: a ``system``,
    ``developer`` or ``user`` message has ``content``; an ``assistant`` message ``content`` or
    ``tool_calls``; a ``tool`` message ``content`` and the ``tool_call_id`` it answers.
    ``content`` is a string or a list of text parts, and is kept as its text.

    The fields are declared in the order they are checked: ``content`` and ``tool_call_id``
    read the ``role`` (and ``tool_calls``) already validated, so each problem names its field."""

    role: Literal["system", "developer", "user", "assistant", "tool"]
    tool_calls: Annotated[list[ToolCall], Field(min_length=1)] | None = None
    tool_call_id: StrictStr | None = Field(default=None, validate_default=True)
    name: StrictStr | None = None
    content: str = Field(default=None, validate_default=True)

    @field_validator("tool_call_id")
    @classmethod
    def _answers_a_call(cls, value: str | None, info: ValidationInfo) -> str | None:
        if info.data.get("role") == "tool" and not value:
            raise ValueError("a tool message needs the 'tool_call_id' of the call it answers")
        return value

    @field_validator("content", mode="before")
    @classmethod
    def _text(cls, value: Any, info: ValidationInfo) -> str:
        role = info.data.get("role")
        if value is None:
            if role is None or (role == "assistant" and info.data.get("tool_calls")):
                return ""  # a wrong role is named on its own field
            needs = "'content' or 'tool_calls'" if role == "assistant" else "'content'"
            raise ValueError(f"{'an' if role == 'assistant' else 'a'} {role} message needs {needs}")
        if isinstance(value, str):
            return value
        if isinstance(value, list) and value:
            return "".join(_part_text(i, part, role) for i, part in enumerate(value))
        raise ValueError("a string or a non-empty list of text parts")


def _part_text(index: int, part: Any, role: str | None) -> str:
    """The text of content part ``index`` (``{"type": "text", "text": …}``; an assistant's
    ``{"type": "refusal", "refusal": …}``); any other part (an image, audio, a file) is refused:
    an app takes text, and leaving a part out would answer a question nobody asked."""
    kind = part.get("type") if isinstance(part, dict) else None
    field = "refusal" if kind == "refusal" and role == "assistant" else "text" if kind == "text" else None
    if field is None:
        shown = f"'{kind}'" if isinstance(kind, str) else "not a text part"
        raise ValueError(f"part {index} is {shown}; only text parts are taken (type 'text' with its 'text')")
    text = part.get(field)
    if not isinstance(text, str):
        raise ValueError(f"part {index} needs its '{field}' as a string")
    return text


Messages = Annotated[list[ChatMessage], Field(min_length=1, max_length=MAX_MESSAGES)]


class ChatCompletionBody(_Body):
    """``POST /v1/chat/completions`` (the OpenAI protocol)."""

    model: Annotated[StrictStr, Field(min_length=1)]
    messages: Messages
    stream: StrictBool | None = False
    stream_options: dict[str, Any] | None = None
    inputs: dict[str, Any] | None = None
    user: StrictStr | None = None


class VisitorMessage(ChatMessage):
    """A message of the web chat: a visitor sends only their own and the answers they got."""

    role: Literal["user", "assistant"]


class ShareChatBody(_Body):
    """``POST /v1/share/{token}/chat``: the web chat's conversation, visitors' roles only, and
    optionally the ``visitor``'s id."""

    messages: Annotated[list[VisitorMessage], Field(min_length=1, max_length=MAX_MESSAGES)]
    stream: StrictBool = False
    inputs: dict[str, Any] | None = None
    # A random id the chat page keeps for its visitor: a label split between versions (A/B) serves
    # them the same arm all along. Without one, the visitor's address stands in.
    visitor: UserText = ""

    _none_is_empty = field_validator("visitor", mode="before")(_empty_if_none)


def parse_body(model: type[B], data: dict[str, Any]) -> B:
    """``data`` as ``model``, or 400 ``invalid_request`` naming every wrong field."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = [
            {"field": _path(error["loc"]), "message": _message(error["msg"])}
            for error in exc.errors(include_url=False, include_input=False, include_context=False)
        ]
        first = problems[0]
        raise BadRequest(f"'{first['field']}': {first['message']}.", details=problems) from None


def _path(loc: tuple[int | str, ...]) -> str:
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "body"


def _message(text: str) -> str:
    return text.removeprefix("Value error, ")
