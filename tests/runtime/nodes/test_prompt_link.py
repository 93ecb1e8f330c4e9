"""An LLM node that uses a prompt of the library: once the platform has resolved the link (copied
the version's messages and model in), the node renders the library's templates with the prompt's
own variables, filled from the app's through ``variables`` or from the prompt's defaults."""

from __future__ import annotations

from runtime import validate
from runtime.context import ExecutionContext
from runtime.engine.compiled import compile_graph
from tests.runtime.conftest import ScriptedProvider, make_spec

MODEL = {"provider": "fake", "model": "tiny"}


def linked_spec(link: dict, messages: list[dict] | None = None):
    return make_spec(
        {
            "llm": ("prompt", {"model": MODEL, "prompt": link, "messages": messages or []}),
            "end": ("end", {"outputs": {"text": "llm.text"}}),
        },
        ["start>llm", "llm>end"],
        [{"name": "question"}],
    )


LIBRARY_MESSAGES = [
    {"role": "system", "template": "Answer as a {{ role }}."},
    {"role": "user", "template": "{{ topic }}?"},
]


async def test_a_resolved_link_renders_the_library_templates_with_mapped_values_and_defaults(registry):
    spec = linked_spec(
        {"ref": "support@production", "version": 3, "variables": {"topic": "About {{ inputs.question }}"},
         "defaults": {"role": "librarian", "topic": "unused"}},
        LIBRARY_MESSAGES,
    )
    provider = ScriptedProvider(["fine"])
    result = await compile_graph(spec, registry).run(
        {"question": "owls"}, context=ExecutionContext(providers={"fake": provider})
    )

    assert result.outputs == {"text": "fine"}
    assert [(m.role, m.content) for m in provider.requests[0].messages] == [
        ("system", "Answer as a librarian."),
        ("user", "About owls?"),
    ]


def test_the_library_variables_are_not_app_references_but_the_mapping_templates_are(registry):
    spec = linked_spec(
        {"ref": "support", "version": 1, "variables": {"topic": "{{ inputs.nope }}"}}, LIBRARY_MESSAGES
    )

    issues = validate(spec, registry)

    assert [(i.code, i.field) for i in issues] == [("unknown_variable", "prompt.variables.topic")]


def test_a_link_that_was_never_resolved_is_an_issue_on_the_prompt_field(registry):
    issues = validate(linked_spec({"ref": "support@production"}), registry)

    assert [(i.code, i.node_id, i.field) for i in issues] == [("prompt_not_resolved", "llm", "prompt")]


def test_without_a_link_messages_are_required(registry):
    spec = make_spec(
        {"llm": ("prompt", {"model": MODEL, "messages": []}), "end": ("end", {"outputs": {"text": "llm.text"}})},
        ["start>llm", "llm>end"],
    )

    assert [(i.code, i.field) for i in validate(spec, registry)] == [("required", "messages")]
