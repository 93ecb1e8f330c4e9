"""A prompt of the platform's library used by a model node (LLM, classifier, agent).

The node holds a :class:`PromptLink`; the platform resolves its reference before a graph runs
and copies the version's messages into the node's ``messages`` and its model into ``model``.
The library's templates read the prompt's own variables (``{{ topic }}``), which get their
values from the link's ``variables`` (templates over the app's values) and ``defaults``.
:class:`LinkedMessages` is that rendering, shared by the three nodes.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from runtime.context import RunState
from runtime.errors import TemplateError
from runtime.nodes.base import Node, NodeConfig, NodeConfigError, RequiredText
from runtime.nodes.model_call import MessageTemplate
from runtime.providers.base import ChatMessage
from runtime.templates import Template, compile_template

#: JSON Schema marks read by the editor: a field the linked prompt replaces (hidden while a
#: node is linked), and a field only the platform writes (never shown).
REPLACED_BY_LINK: dict[str, Any] = {"x-replaced-by-library-prompt": True}
SET_BY_PLATFORM: dict[str, Any] = {"x-set-by-platform": True}


class PromptLink(NodeConfig):
    """A reference to a library prompt: ``support-answer@production``, ``support-answer@v3``,
    or ``support-answer`` (its latest version). A saved or published app version keeps the
    number it resolved to in ``version``: a later label move never changes it."""

    ref: RequiredText = Field(title="Prompt", description="name@label, name@v3 or name (its latest version).")
    version: int | None = Field(
        None, ge=1, title="Pinned version",
        description="The version the reference resolved to (set by the platform; a draft follows its reference).",
    )
    variables: dict[str, str] = Field(
        default_factory=dict, title="Inputs of the prompt",
        description="What each input of the prompt gets, as a template over this app's values, e.g. "
                    "{{ inputs.question }} (by default: the app input of the same name).",
    )
    defaults: dict[str, Any] = Field(
        default_factory=dict, title="Defaults", description="The prompt's declared defaults (set by the platform)."
    )


def library_messages_field() -> Any:
    """The ``messages`` field of a node whose only messages come from a library prompt."""
    return Field(
        default_factory=list, title="Messages of the library prompt",
        description="Copied from the prompt's version by the platform.", json_schema_extra=SET_BY_PLATFORM,
    )


class LinkedMessages:
    """A resolved link's messages, compiled once, rendered per run with the link's values."""

    def __init__(self, node: Node[Any], link: PromptLink, messages: list[MessageTemplate], field: str):
        if not messages:
            raise NodeConfigError(
                f"the library prompt {link.ref!r} was not resolved: run this app on the platform",
                field=field, code="prompt_not_resolved",
            )
        # The library's templates read the prompt's own variables, not the app's: their names
        # are not references to check here; the app's values come through ``variables``.
        self._messages = [(m.role, _library_template(m.template, f"messages.{i}.template"))
                          for i, m in enumerate(messages)]
        self._values = {name: node.template(source, f"{field}.variables.{name}")
                        for name, source in link.variables.items()}
        self._defaults = dict(link.defaults)

    def render(self, run: RunState) -> list[ChatMessage]:
        values = dict(self._defaults)
        values.update({name: tpl.render(run.variables) for name, tpl in self._values.items()})
        return [ChatMessage(role, tpl.render(values)) for role, tpl in self._messages]


def split_system(messages: list[ChatMessage]) -> tuple[str, list[ChatMessage]]:
    """The system messages' text (joined) and the rest of the conversation, in order."""
    system = "\n\n".join(m.content or "" for m in messages if m.role == "system")
    return system, [m for m in messages if m.role != "system"]


def _library_template(source: str, field: str) -> Template:
    try:
        return compile_template(source, field=field)
    except TemplateError as exc:
        raise NodeConfigError(exc.message, field=field, code=exc.code) from None
