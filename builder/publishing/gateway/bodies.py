"""What the public API accepts: one pydantic model per request body, validated once at the edge.

A body that does not fit answers 400 ``invalid_request``; ``details`` lists every field that is
wrong (``{"field": "messages[1].content", "message": …}``) and the message names the first.
Unknown fields are ignored: OpenAI's SDK sends sampling settings an app does not take. Whether the
*inputs* fit the app is the app's own check (``inputs_invalid``), made once the version is known."""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    ValidationError,
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
    """``POST /v1/apps/{slug}/run``."""

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


class FeedbackBody(_Body):
    """``POST /v1/runs/{id}/feedback``: a rating, a score or a comment (at least one)."""

    rating: int | None = None
    score: int | float | None = None
    comment: Annotated[StrictStr, Field(max_length=10_000)] = ""
    user: UserText = ""

    _none_is_empty = field_validator("comment", "user", mode="before")(_empty_if_none)

    @field_validator("rating", mode="before")
    @classmethod
    def _rating(cls, value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (str, int)) or value not in _RATINGS:
            raise ValueError("'up' or 'down' (or 1 / -1)")
        return _RATINGS[value]

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


class ChatMessage(_Body):
    """A message; ``content`` is kept as its text (of content parts, the text ones)."""

    role: StrictStr
    content: str = ""

    @field_validator("content", mode="before")
    @classmethod
    def _text(cls, value: Any) -> Any:
        if value is None or isinstance(value, str):
            return value or ""
        if isinstance(value, list):
            return "".join(str(part.get("text", "")) for part in value
                           if isinstance(part, dict) and part.get("type") == "text")
        raise ValueError("a string or a list of content parts")


Messages = Annotated[list[ChatMessage], Field(min_length=1, max_length=MAX_MESSAGES)]


class ChatCompletionBody(_Body):
    """``POST /v1/chat/completions`` (the OpenAI protocol)."""

    model: Annotated[StrictStr, Field(min_length=1)]
    messages: Messages
    stream: StrictBool | None = False
    stream_options: dict[str, Any] | None = None
    inputs: dict[str, Any] | None = None
    user: StrictStr | None = None


class ShareChatBody(_Body):
    """``POST /v1/share/{token}/chat``: the web chat's conversation, visitors' roles only."""

    messages: Messages
    stream: StrictBool = False
    inputs: dict[str, Any] | None = None

    @field_validator("messages")
    @classmethod
    def _visitor_roles(cls, messages: list[ChatMessage]) -> list[ChatMessage]:
        if any(m.role not in ("user", "assistant") for m in messages):
            raise ValueError("each message's 'role' is 'user' or 'assistant'")
        return messages


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
