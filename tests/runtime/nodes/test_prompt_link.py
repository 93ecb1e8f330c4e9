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


# The classifier and the agent hold their link in ``library_prompt`` (the agent's ``prompt`` is
# its task): the prompt's system messages guide them, its other messages are the conversation.

FEW_SHOT = [
    {"role": "system", "template": "Tickets of {{ product }}."},
    {"role": "user", "template": "My card was charged twice"},
    {"role": "assistant", "template": "Billing"},
    {"role": "user", "template": "{{ ticket }}"},
]
CLASSES = [{"id": "billing", "name": "Billing"}, {"id": "bug", "name": "Bug"}]


def classifier_spec(config: dict):
    return make_spec(
        {
            "sort": ("classifier", {"model": MODEL, "classes": CLASSES, **config}),
            "end": ("end", {"outputs": {"class": "sort.class_id"}}),
        },
        ["start>sort", "sort:billing>end", "sort:bug>end"],
        [{"name": "question"}],
    )


async def test_a_linked_classifier_lists_its_classes_with_the_prompts_guidance_and_examples(registry):
    spec = classifier_spec({
        "library_prompt": {"ref": "triage@production", "version": 2, "variables": {"ticket": "{{ inputs.question }}"},
                           "defaults": {"product": "Acme"}},
        "messages": FEW_SHOT,
    })
    provider = ScriptedProvider(["Bug"])

    result = await compile_graph(spec, registry).run(
        {"question": "The app crashes"}, context=ExecutionContext(providers={"fake": provider})
    )

    assert result.outputs == {"class": "bug"}
    sent = [(m.role, m.content) for m in provider.requests[0].messages]
    assert sent[0][0] == "system"
    assert "1. Billing\n2. Bug" in sent[0][1] and "Tickets of Acme." in sent[0][1]
    assert sent[1:] == [("user", "My card was charged twice"), ("assistant", "Billing"), ("user", "The app crashes")]


def test_a_classifier_needs_its_input_unless_a_library_prompt_brings_it(registry):
    assert [(i.code, i.field) for i in validate(classifier_spec({}), registry)] == [("required", "query")]
    unresolved = validate(classifier_spec({"library_prompt": {"ref": "triage"}}), registry)
    assert [(i.code, i.field) for i in unresolved] == [("prompt_not_resolved", "library_prompt")]


def agent_spec(config: dict):
    return make_spec(
        {"agent": ("agent", {"model": MODEL, **config}), "end": ("end", {"outputs": {"text": "agent.text"}})},
        ["start>agent", "agent>end"],
        [{"name": "question"}],
    )


async def test_a_linked_agent_starts_from_the_prompts_system_message_and_conversation(registry):
    spec = agent_spec({
        "library_prompt": {"ref": "helper@v1", "version": 1, "variables": {"ticket": "{{ inputs.question }}"},
                           "defaults": {"product": "Acme"}},
        "messages": FEW_SHOT,
    })
    provider = ScriptedProvider(["Restart it."])

    result = await compile_graph(spec, registry).run(
        {"question": "The app crashes"}, context=ExecutionContext(providers={"fake": provider})
    )

    assert result.outputs == {"text": "Restart it."}
    assert [(m.role, m.content) for m in provider.requests[0].messages] == [
        ("system", "Tickets of Acme."),
        ("user", "My card was charged twice"),
        ("assistant", "Billing"),
        ("user", "The app crashes"),
    ]


def test_an_agent_needs_its_task_unless_a_library_prompt_brings_it(registry):
    assert [(i.code, i.field) for i in validate(agent_spec({}), registry)] == [("required", "prompt")]
    assert validate(agent_spec({"library_prompt": {"ref": "helper", "version": 1}, "messages": FEW_SHOT}),
                    registry) == []
