"""Classifier: a model picks one of named classes; one handle per class id.

The answer is parsed robustly: exact name/id, then case-insensitive, then a class name
inside the answer, then a class number ("2", "Class 2"); otherwise the fallback class.
"""

from __future__ import annotations

import re

from pydantic import Field, ValidationInfo, field_validator, model_validator

from runtime.context import RunState
from runtime.nodes.base import Node, NodeConfig, NodeResult, OutputField, RequiredText, required_error
from runtime.nodes.model_call import MessageTemplate, ModelRef, call_model
from runtime.nodes.prompt_link import (
    REPLACED_BY_LINK,
    LinkedMessages,
    PromptLink,
    library_messages_field,
    split_system,
)
from runtime.providers.base import ChatMessage
from runtime.templates import Template

_NUMBER = re.compile(r"\b(\d{1,3})\b")
_TRIM = " \t\r\n\"'`.,:;!*"


class ClassSpec(NodeConfig):
    id: str = Field(pattern=r"^[A-Za-z_][\w-]*$", title="Id", description="Also the name of its handle.")
    name: RequiredText = Field(title="Name", description="What the model sees and answers.")
    description: str = Field("", title="Description", description="Helps the model choose.")


class ClassifierConfig(NodeConfig):
    model: ModelRef = Field(title="Model", json_schema_extra=REPLACED_BY_LINK)
    library_prompt: PromptLink | None = Field(
        None, title="Library prompt",
        description="Use a prompt of the library: its system messages guide the choice, its other "
                    "messages (few-shot examples, then the text to classify) are the conversation.",
    )
    messages: list[MessageTemplate] = library_messages_field()
    query: str = Field(
        "", validate_default=True, title="Input", description="Template of the text to classify.",
        json_schema_extra=REPLACED_BY_LINK,
    )
    classes: list[ClassSpec] = Field(min_length=2, title="Classes")
    instruction: str = Field(
        "", title="Instruction", description="Extra guidance for the model.", json_schema_extra=REPLACED_BY_LINK
    )
    fallback: str | None = Field(
        None,
        title="Fallback class",
        description="Class id when the answer matches none; default: the last class.",
    )

    @field_validator("query")
    @classmethod
    def _has_query(cls, query: str, info: ValidationInfo) -> str:
        """The text to classify is required, unless a library prompt brings it."""
        if not query.strip() and info.data.get("library_prompt") is None:
            raise required_error()
        return query

    @model_validator(mode="after")
    def _check_ids(self) -> ClassifierConfig:
        ids = [c.id for c in self.classes]
        if len(set(ids)) != len(ids):
            raise ValueError(f"class ids must be unique: {ids}")
        if self.fallback is not None and self.fallback not in ids:
            raise ValueError(f"fallback {self.fallback!r} is not one of the class ids {ids}")
        return self


def pick_class(answer: str, classes: list[ClassSpec], fallback: ClassSpec) -> tuple[ClassSpec, str]:
    """The class an answer names, and how it was matched (exact, casefold, substring, number, fallback)."""
    text = answer.strip().strip(_TRIM)
    for c in classes:
        if text == c.name or text == c.id:
            return c, "exact"
    folded = text.casefold()
    for c in classes:
        if folded == c.name.casefold() or folded == c.id.casefold():
            return c, "casefold"
    hits = []
    for c in classes:
        for label in (c.name.casefold(), c.id.casefold()):
            match = re.search(r"(?<!\w)" + re.escape(label) + r"(?!\w)", folded)
            if match:
                hits.append((match.start(), -len(label), c))
                break
    if hits:
        return min(hits, key=lambda h: (h[0], h[1]))[2], "substring"
    number = _NUMBER.search(folded)
    if number and 1 <= int(number.group(1)) <= len(classes):
        return classes[int(number.group(1)) - 1], "number"
    return fallback, "fallback"


class ClassifierNode(Node[ClassifierConfig]):
    type = "classifier"
    title = "Question classifier"
    description = "Lets a model route the run to one of several named classes."
    category = "model"
    icon = "tags"
    config_model = ClassifierConfig
    outputs = (
        OutputField("class_id", "string"),
        OutputField("class_name", "string"),
        OutputField("answer", "string", "The model's raw answer."),
        OutputField("matched_by", "string", "exact, casefold, substring, number or fallback."),
    )
    dynamic_handles = "one per classes[].id"

    def setup(self) -> None:
        cfg = self.config
        link = cfg.library_prompt
        self._linked = None if link is None else LinkedMessages(self, link, cfg.messages, "library_prompt")
        self._query: Template | None = None if link is not None else self.template(cfg.query, "query")
        self._fallback = next((c for c in cfg.classes if c.id == cfg.fallback), cfg.classes[-1])
        listing = "\n".join(
            f"{i}. {c.name}" + (f": {c.description}" if c.description else "")
            for i, c in enumerate(cfg.classes, 1)
        )
        self._listing = f"Classify the user's text into exactly one of these classes:\n{listing}\n"

    def _messages(self, run: RunState) -> list[ChatMessage]:
        if self._linked is None:
            assert self._query is not None
            instruction = self.config.instruction
            conversation = [ChatMessage("user", self._query.render(run.variables))]
        else:
            instruction, conversation = split_system(self._linked.render(run))
        guidance = f"{instruction}\n" if instruction else ""
        return [ChatMessage("system", f"{self._listing}{guidance}Answer with the class name only."), *conversation]

    def source_handles(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.config.classes)

    async def run(self, run: RunState) -> NodeResult:
        messages = self._messages(run)
        answer = await call_model(run, self.id, self.config.model, messages, stream=False, json_mode=False)
        chosen, matched_by = pick_class(answer.text, self.config.classes, self._fallback)
        outputs = {
            "class_id": chosen.id,
            "class_name": chosen.name,
            "answer": answer.text,
            "matched_by": matched_by,
        }
        return NodeResult(outputs, chosen.id, usage=answer.usage, cost=answer.cost)
