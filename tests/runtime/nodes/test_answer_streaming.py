"""The Answer node streams while the nodes it shows are still running: its literal text at once,
an upstream LLM's tokens as they arrive, the rest in its place — and the deltas add up to the
answer. The model here answers word by word and notes, before each word, what the answer had
streamed by then."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest

from runtime.context import ExecutionContext
from runtime.engine.compiled import CompiledGraph, compile_graph
from runtime.events import NodeDelta, NodeStarted, RecordingHook
from runtime.providers.base import ChatDelta, ChatRequest, ChatResult, ProviderError, Usage
from runtime.registry import NodeRegistry
from runtime.spec import GraphSpec
from runtime.templates import compile_template
from runtime.templates.compiled import template_pieces
from tests.runtime.conftest import edges

TEXTS = {"llm": "one two three", "a": "A1 A2", "b": "B1 B2"}


class WordByWord:
    """Answers each model name's text in ``TEXTS`` word by word. Before each word it notes the text
    the answer nodes had streamed (``seen``) and awaits ``before[(model, n)]`` when there is one.
    Model ``broken`` fails."""

    name = "words"

    def __init__(self, hook: RecordingHook, before: dict[tuple[str, int], Callable[[], Awaitable[None]]] | None = None):
        self.hook = hook
        self.before = before or {}
        self.seen: list[tuple[str, str, str]] = []  # (model, word, answer text streamed so far)

    async def stream(self, request: ChatRequest) -> AsyncIterator[ChatDelta | ChatResult]:
        if request.model == "broken":
            raise ProviderError("the model is down", provider=self.name, model=request.model)
        text = TEXTS[request.model]
        words = re.findall(r"\S+\s*", text)
        for n, word in enumerate(words):
            wait = self.before.get((request.model, n))
            if wait is not None:
                await wait()
            self.seen.append((request.model, word, streamed(self.hook)))
            yield ChatDelta(word)
        yield ChatResult(text=text, model=request.model, usage=Usage(3, len(words)), finish_reason="stop")

    async def chat(self, request: ChatRequest) -> ChatResult:
        raise AssertionError("the prompts here stream")

    async def embed(self, model: str, texts: list[str]) -> list[list[float]]:
        return [[0.0] for _ in texts]


def deltas(hook: RecordingHook, node_id: str = "answer") -> list[str]:
    return [e.text for e in hook.of_type(NodeDelta) if e.node_id == node_id]


def streamed(hook: RecordingHook) -> str:
    return "".join(e.text for e in hook.of_type(NodeDelta) if e.node_id.startswith("answer"))


def llm(model: str = "llm", **settings: Any) -> tuple[str, dict[str, Any]] | tuple[str, dict[str, Any], dict[str, Any]]:
    config = {"model": {"provider": "words", "model": model}, "messages": [{"role": "user", "template": "Go"}]}
    return ("prompt", config, settings) if settings else ("prompt", config)


def answer(template: str) -> tuple[str, dict[str, Any]]:
    return ("answer", {"template": template})


@pytest.fixture
def build(registry: NodeRegistry) -> Callable[..., CompiledGraph]:
    """``build({"llm": llm(), "answer": answer(...)}, ["start>llm", "llm>answer"])``: no End node."""

    def _build(nodes: dict[str, Any], arrows: list[str], inputs: list[dict[str, Any]] | None = None) -> CompiledGraph:
        listed = [{"id": "start", "type": "start"}]
        listed += [{"id": nid, "type": item[0], "config": item[1], **({"settings": item[2]} if len(item) > 2 else {})}
                   for nid, item in nodes.items()]
        return compile_graph(GraphSpec.from_dict({"inputs": inputs or [], "nodes": listed, "edges": edges(*arrows)}),
                             registry)

    return _build


async def run(graph: CompiledGraph, hook: RecordingHook, model: WordByWord, inputs: dict[str, Any] | None = None,
              extra_hooks: list[Any] | None = None):
    context = ExecutionContext(providers={"words": model})
    return await graph.run(inputs or {}, context=context, hooks=[hook, *(extra_hooks or [])])


async def within(event: asyncio.Event, failure: str) -> None:
    """Wait for ``event``; a generous bound only so that a broken engine fails instead of hanging."""
    try:
        await asyncio.wait_for(event.wait(), 10)
    except TimeoutError:
        raise AssertionError(failure) from None


def first(hook: RecordingHook, match: Callable[[Any], bool]) -> int:
    return next(i for i, e in enumerate(hook.events) if match(e))


async def test_literal_text_at_once_then_each_token_as_it_arrives_then_the_rest(build, hook):
    graph = build({"llm": llm(), "answer": answer("Hi! {{ llm.text }} Bye.")}, ["start>llm", "llm>answer"])
    model = WordByWord(hook)

    result = await run(graph, hook, model)

    assert model.seen == [("llm", "one ", "Hi! "), ("llm", "two ", "Hi! one "), ("llm", "three", "Hi! one two ")]
    assert deltas(hook) == ["Hi! ", "one ", "two ", "three", " Bye."]
    assert first(hook, lambda e: isinstance(e, NodeDelta) and e.node_id == "answer") < first(
        hook, lambda e: isinstance(e, NodeStarted) and e.node_id == "llm")  # "Hi! " before the model is asked
    assert result.outputs == {"answer": "Hi! one two three Bye."} == {"answer": "".join(deltas(hook))}


async def test_two_streamed_variables_stream_in_order(build, hook):
    graph = build({"a": llm("a"), "b": llm("b"), "answer": answer("{{ a.text }} and {{ b.text }}")},
                  ["start>a", "a>b", "b>answer"])
    model = WordByWord(hook)

    result = await run(graph, hook, model)

    assert [seen for _, _, seen in model.seen] == ["", "A1 ", "A1 A2 and ", "A1 A2 and B1 "]
    assert deltas(hook) == ["A1 ", "A2", " and ", "B1 ", "B2"]
    assert result.outputs["answer"] == "A1 A2 and B1 B2" == "".join(deltas(hook))


async def test_a_later_variable_that_streams_first_waits_for_its_turn(build, hook):
    """a and b run side by side. b's first token comes while a is still answering: it is held
    until a's text and " and " are out; b's next token then goes out as it comes."""
    b_spoke, and_out = asyncio.Event(), asyncio.Event()

    class Watch:
        def on_event(self, event: Any) -> None:
            if isinstance(event, NodeDelta) and event.node_id == "answer" and event.text == " and ":
                and_out.set()

    async def note_b() -> None:
        b_spoke.set()

    graph = build({"a": llm("a"), "b": llm("b"), "answer": answer("{{ a.text }} and {{ b.text }}")},
                  ["start>a", "start>b", "a>answer", "b>answer"])
    async def b_spoke_yet() -> None:
        await within(b_spoke, "b did not start answering while a was")

    async def and_out_yet() -> None:
        await within(and_out, "the answer did not stream ' and ' once a had finished")

    model = WordByWord(hook, before={("a", 1): b_spoke_yet, ("b", 0): note_b, ("b", 1): and_out_yet})

    result = await run(graph, hook, model, extra_hooks=[Watch()])

    assert ("b", "B1 ", "A1 ") in model.seen  # made while the answer had only a's first token
    assert ("b", "B2", "A1 A2 and B1 ") in model.seen  # the held token went out after " and "
    assert deltas(hook) == ["A1 ", "A2", " and ", "B1 ", "B2"]
    assert result.outputs["answer"] == "".join(deltas(hook))


async def test_a_variable_that_does_not_stream_goes_out_once_its_node_has_finished(build, hook):
    graph = build(
        {"a": llm("a"), "note": ("template", {"template": "n={{ inputs.n }}"}), "b": llm("b"),
         "answer": answer("{{ a.text }} / {{ note.text }} / {{ b.text }}.")},
        ["start>a", "a>note", "note>b", "b>answer"], [{"name": "n", "type": "number"}],
    )
    model = WordByWord(hook)

    result = await run(graph, hook, model, {"n": 3})

    assert model.seen[2] == ("b", "B1 ", "A1 A2 / n=3 / ")
    assert deltas(hook) == ["A1 ", "A2", " / ", "n=3", " / ", "B1 ", "B2", "."]
    assert result.outputs["answer"] == "A1 A2 / n=3 / B1 B2." == "".join(deltas(hook))


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("Hi! {{ llm.text | upper }} Bye.", ["Hi! ", "ONE TWO THREE", " Bye."]),
        ("Hi! {% for w in llm.text.split() %}<{{ w }}>{% endfor %} Bye.", ["Hi! ", "<one><two><three>", " Bye."]),
    ],
    ids=["filter", "loop"],
)
async def test_jinja_logic_around_the_variable_streams_it_in_one_piece(build, hook, template, expected):
    graph = build({"llm": llm(), "answer": answer(template)}, ["start>llm", "llm>answer"])
    model = WordByWord(hook)

    result = await run(graph, hook, model)

    assert [seen for _, _, seen in model.seen] == ["Hi! ", "Hi! ", "Hi! "]  # the text before it at once
    assert deltas(hook) == expected
    assert result.outputs["answer"] == "".join(expected)


async def test_only_an_answer_sure_to_be_given_streams_and_from_the_moment_it_is(build):
    cases = [{"id": "yes", "conditions": [{"variable": "inputs.way", "operator": "equals", "value": "yes"}]}]
    branched = build(
        {"br": ("branch", {"cases": cases}), "llm": llm(), "answer_yes": answer("Yes: {{ llm.text }}"),
         "answer_no": answer("No.")},
        ["start>br", "br:yes>llm", "llm>answer_yes", "br:else>answer_no"], [{"name": "way"}],
    )
    hook = RecordingHook()
    model = WordByWord(hook)
    result = await run(branched, hook, model, {"way": "yes"})
    assert [seen for _, _, seen in model.seen] == ["Yes: ", "Yes: one ", "Yes: one two "]
    assert (deltas(hook, "answer_yes"), deltas(hook, "answer_no")) == (["Yes: ", "one ", "two ", "three"], [])
    assert result.outputs["answer"] == "Yes: one two three"

    hook = RecordingHook()
    result = await run(branched, hook, WordByWord(hook), {"way": "no"})
    assert (deltas(hook, "answer_yes"), streamed(hook), result.outputs["answer"]) == ([], "No.", "No.")

    # An LLM that leaves by its fail handle on error: the answer after it is not sure to be given,
    # so nothing of it goes out before the LLM has answered; here it fails and only the other shows.
    failing_over = build(
        {"llm": llm("broken", error_strategy="fail_branch"), "answer_ok": answer("Hi! {{ llm.text }}"),
         "answer_sorry": answer("Sorry, {{ llm.error.message }}.")},
        ["start>llm", "llm>answer_ok", "llm:fail>answer_sorry"],
    )
    hook = RecordingHook()
    result = await run(failing_over, hook, WordByWord(hook))
    assert (deltas(hook, "answer_ok"), streamed(hook)) == ([], "Sorry, the model is down.")
    assert result.outputs["answer"] == "Sorry, the model is down."


@pytest.mark.parametrize(
    "source",
    [
        "Hi! {{ llm.text }} Bye.",
        "{{ a.text }} and {{ b.text }}",
        "A {{- llm.text -}}  \n D\n",
        "{% raw %}{{ not.a.variable }}{% endraw %}{# a note #}{{ llm['text'] }}",
        "{% if a.text %}yes{% else %}no{% endif %}{{ inputs.q ~ '!' }}\n"
        "{% for w in b.text.split() %}{{ loop.index }}{{ w }}{% endfor %}",
        "{% filter upper %}{{ a.text }}{% endfilter %} {{ '{{' }}",
        "{% set x = a.text %}{{ x }} {{ b.text }}",
        "{% macro m(v) %}[{{ v }}]{% endmacro %}{{ m(a.text) }}",
    ],
)
def test_the_pieces_of_a_template_render_to_the_whole(source):
    variables = {"llm": {"text": "one two"}, "a": {"text": "A"}, "b": {"text": "B1 B2"}, "inputs": {"q": "q"}}
    template = compile_template(source)

    pieces = template_pieces(template)

    joined = "".join(p.text if p.template is None else p.template.render(variables) for p in pieces)
    assert joined == template.render(variables)
