"""Prompt, classifier, retrieval and answer nodes, driven by a scripted in-test model."""

from __future__ import annotations

import pytest

from runtime.context import ExecutionContext
from runtime.engine.compiled import compile_graph
from runtime.events import NodeDelta, NodeFailed, NodeInputs, RecordingHook
from runtime.memory_retriever import InMemoryRetriever
from runtime.nodes.classifier import ClassSpec, pick_class
from tests.runtime.conftest import ScriptedProvider, make_spec

MODEL = {"provider": "fake", "model": "tiny"}
CLASSES = [
    {"id": "billing", "name": "Billing"},
    {"id": "tech", "name": "Technical support"},
    {"id": "other", "name": "Other"},
]


def prompt_graph(registry, **model):
    spec = make_spec(
        {
            "llm": (
                "prompt",
                {
                    "model": {**MODEL, **model},
                    "messages": [
                        {"role": "system", "template": "Be brief."},
                        {"role": "user", "template": "Tell me about {{ inputs.topic }}"},
                    ],
                },
            ),
            "end": ("end", {"outputs": {"text": "llm.text", "json": "llm.json"}}),
        },
        ["start>llm", "llm>end"],
        [{"name": "topic"}],
    )
    return compile_graph(spec, registry)


async def test_prompt_renders_messages_and_passes_model_settings(registry):
    provider = ScriptedProvider(["fine"])
    await prompt_graph(registry, temperature=0.2, max_tokens=7).run(
        {"topic": "owls"}, context=ExecutionContext(providers={"fake": provider})
    )
    request = provider.requests[0]
    assert [(m.role, m.content) for m in request.messages] == [
        ("system", "Be brief."),
        ("user", "Tell me about owls"),
    ]
    assert (request.model, request.temperature, request.max_tokens) == ("tiny", 0.2, 7)


class ModelDown(ScriptedProvider):
    async def stream(self, request):
        raise ConnectionError("the model is down")
        yield  # an async generator


async def test_a_model_calls_rendered_messages_and_settings_are_in_its_trace_even_when_it_fails(registry):
    hook = RecordingHook()
    await prompt_graph(registry, temperature=0.2).run(
        {"topic": "owls"}, context=ExecutionContext(providers={"fake": ModelDown([])}), hooks=[hook]
    )

    (recorded,) = hook.of_type(NodeInputs)
    assert recorded.node_id == "llm" and hook.of_type(NodeFailed)
    assert recorded.inputs == {
        "model": "fake/tiny", "temperature": 0.2,
        "messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Tell me about owls"}],
    }


async def test_prompt_json_mode_parses_the_answer(registry):
    provider = ScriptedProvider(['{"facts": 3}'])
    result = await prompt_graph(registry, json_mode=True).run(
        {"topic": "owls"}, context=ExecutionContext(providers={"fake": provider})
    )
    assert result.outputs["json"] == {"facts": 3}
    assert provider.requests[0].json_mode is True


async def test_prompt_json_mode_with_bad_json_fails_clearly(registry):
    provider = ScriptedProvider(["not json"])
    result = await prompt_graph(registry, json_mode=True).run(
        {"topic": "owls"}, context=ExecutionContext(providers={"fake": provider})
    )
    assert result.error["code"] == "json_parse_error"
    assert "not json" in result.error["message"]


async def test_prompt_with_an_unconfigured_provider_fails_with_its_name(registry):
    result = await prompt_graph(registry).run({"topic": "owls"}, context=ExecutionContext())
    assert result.error["code"] == "provider_not_found"
    assert "'fake'" in result.error["message"]


@pytest.mark.parametrize(
    ("answer", "expected", "how"),
    [
        ("Billing", "billing", "exact"),
        ("tech", "tech", "exact"),
        ("technical SUPPORT", "tech", "casefold"),
        ("I think this is about billing.", "billing", "substring"),
        ("Class: Technical support, clearly", "tech", "substring"),
        ("2", "tech", "number"),
        ("Class 3", "other", "number"),
        ("no idea", "other", "fallback"),
        ('"Billing".', "billing", "exact"),
    ],
)
def test_classifier_reads_the_models_answer_robustly(answer, expected, how):
    classes = [ClassSpec(**c) for c in CLASSES]
    chosen, matched_by = pick_class(answer, classes, classes[-1])
    assert (chosen.id, matched_by) == (expected, how)


async def test_classifier_routes_to_the_chosen_class_handle(registry):
    spec = make_spec(
        {
            "cls": ("classifier", {"model": MODEL, "query": "{{ inputs.q }}", "classes": CLASSES}),
            "pay": ("template", {"template": "billing desk"}),
            "fix": ("template", {"template": "tech desk"}),
            "agg": ("aggregate", {"inputs": ["pay.text", "fix.text"]}),
            "end": ("end", {"outputs": {"desk": "agg.output", "class": "cls.class_id"}}),
        },
        ["start>cls", "cls:billing>pay", "cls:tech>fix", "cls:other>agg", "pay>agg", "fix>agg", "agg>end"],
        [{"name": "q"}],
    )
    provider = ScriptedProvider(["Technical support"])
    result = await compile_graph(spec, registry).run(
        {"q": "my screen is black"}, context=ExecutionContext(providers={"fake": provider})
    )
    assert result.outputs == {"desk": "tech desk", "class": "tech"}
    assert "my screen is black" in provider.requests[0].messages[-1].content


def test_classifier_edges_must_use_class_ids(registry):
    from runtime.validation import validate

    spec = make_spec(
        {"cls": ("classifier", {"model": MODEL, "query": "q", "classes": CLASSES})},
        ["start>cls", "cls:refunds>end"],
    )
    assert [i.code for i in validate(spec, registry)] == ["unknown_handle"]


async def test_retrieval_returns_the_best_chunks_for_the_query(registry):
    retriever = InMemoryRetriever()
    retriever.add_many(
        "docs", ["Owls hunt at night.", "Graph engines schedule nodes.", "Owls can turn their heads."]
    )
    spec = make_spec(
        {
            "kb": ("retrieval", {"query": "{{ inputs.q }}", "knowledge_base": "docs", "top_k": 2}),
            "end": ("end", {"outputs": {"context": "kb.context", "chunks": "kb.chunks"}}),
        },
        ["start>kb", "kb>end"],
        [{"name": "q"}],
    )
    result = await compile_graph(spec, registry).run(
        {"q": "what do owls do"}, context=ExecutionContext(retriever=retriever)
    )
    texts = [c["text"] for c in result.outputs["chunks"]]
    assert len(texts) == 2 and all("Owls" in t for t in texts)
    assert result.outputs["chunks"][0]["source"] == {"position": 0} or result.outputs["chunks"][0][
        "source"
    ] == {"position": 2}


async def test_retrieval_without_a_retriever_fails_clearly(registry):
    spec = make_spec({"kb": ("retrieval", {"query": "q", "knowledge_base": "docs"})}, ["start>kb", "kb>end"])
    result = await compile_graph(spec, registry).run(context=ExecutionContext())
    assert result.error["code"] == "no_retriever"


async def test_answer_streams_its_text_and_becomes_a_run_output(registry):
    spec = make_spec(
        {"ans": ("answer", {"template": "Hello {{ inputs.name }}"})}, ["start>ans"], [{"name": "name"}]
    )
    del spec.nodes[[n.id for n in spec.nodes].index("end")]
    hook = RecordingHook()
    result = await compile_graph(spec, registry).run({"name": "Ada"}, hooks=[hook])
    assert result.outputs == {"answer": "Hello Ada"}
    assert "".join(e.text for e in hook.of_type(NodeDelta)) == "Hello Ada"
