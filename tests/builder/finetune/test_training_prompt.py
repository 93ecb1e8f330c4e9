"""A tuned model learns the prompt the app will give it: rows exported from a review queue keep the
messages the model was given (system message included), training encodes those, and base vs tuned
on the held-out rows asks with the same system message."""

from __future__ import annotations

import pytest

from builder.datasets.services import dataset_create
from builder.experiments.models import Experiment
from builder.finetune.executor import finetune_execute
from builder.finetune.services import chat_of
from runtime.evaluation.rows import Row
from tests.builder.finetune.conftest import QUESTIONS, start

SYSTEM = "say the capital of zarnovia ."


def given(question: str) -> list[dict[str, str]]:
    return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": question}]


def test_a_row_trains_on_the_messages_the_app_gave_the_model():
    answer = {"role": "assistant", "content": "it is quellport ."}
    assert chat_of({"question": "capital ?"}, "it is quellport .", {"prompt": given("capital ?")}) == [
        *given("capital ?"), answer]
    # without them, the inputs are the user's message; a messages input still wins over both
    assert chat_of({"question": "capital ?"}, "it is quellport .", {}) == [
        {"role": "user", "content": "capital ?"}, answer]
    own = [{"role": "user", "content": "hi"}]
    assert chat_of({"messages": own}, "it is quellport .", {"prompt": given("x")}) == [*own, answer]


@pytest.mark.django_db(transaction=True)
def test_base_vs_tuned_asks_with_the_system_message_the_rows_were_answered_with(owner):
    rows = [Row(inputs={"question": q}, expected="it is quellport .", metadata={"prompt": given(q)})
            for q in QUESTIONS * 2]
    dataset = dataset_create(workspace=owner.workspace, user=owner.user, name="Reviewed", rows=rows)
    job_id = start(owner, dataset_id=dataset.pk, name="with-system", epochs=2).json()["id"]
    result = finetune_execute(tune_id=job_id)
    experiment = Experiment.objects.get(pk=result["evaluation_experiment_id"])
    for variant in experiment.variants.all():
        [messages] = [n["config"]["messages"] for n in variant.graph["nodes"] if "messages" in n.get("config", {})]
        assert [(m["role"], m["template"]) for m in messages] == [("system", SYSTEM),
                                                                  ("user", "{{ inputs.question }}")]
