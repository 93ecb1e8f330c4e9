"""A version's lineage leads back through the loop that made it: the label move and its experiment,
the library prompt version, the tuned model and its fine-tune job, the dataset version, the review
queue and the reviews, and the production runs the rows came from."""

from __future__ import annotations

import pytest

from builder.annotation import services as annotation
from builder.annotation.exports import export_to_dataset
from builder.finetune.executor import finetune_execute
from builder.finetune.models import FineTuneJob
from builder.flows.models import App
from builder.flows.services import app_create, version_create
from builder.prompts.services import label_set, prompt_create
from builder.publishing.services import app_publish
from tests.builder.annotation.support import make_configs, make_queue, make_run
from tests.builder.finetune.conftest import start
from tests.support.errors import assert_error_shape
from tests.support.members import make_member

pytestmark = pytest.mark.django_db

BASE = {"provider": "local", "model": "tiny"}  # a tiny registered base model (tests/builder/finetune)
TUNED = {"provider": "local", "model": "tiny+capitals"}


def graph(model: dict, *, library: bool) -> dict:
    llm = ({"prompt": {"ref": "capitals@production", "variables": {"question": "{{ inputs.question }}"}}}
           if library else {"messages": [{"role": "user", "template": "{{ inputs.question }}"}]})
    return {
        "inputs": [{"name": "question", "type": "string"}],
        "nodes": [{"id": "start", "type": "start"},
                  {"id": "llm", "type": "prompt", "config": {"model": model, **llm}},
                  {"id": "answer", "type": "answer", "config": {"template": "{{ llm.text }}"}}],
        "edges": [{"id": "e1", "source": "start", "target": "llm"}, {"id": "e2", "source": "llm", "target": "answer"}],
    }


@pytest.fixture
def loop(settings, tiny_folder, tmp_path):
    """One turn of the loop: v1 answers production, four of its answers are reviewed and corrected,
    exported to a dataset, a LoRA adapter is trained on it, v2 uses a library prompt on the adapter,
    an experiment compares v1 and v2, and v2 is promoted from it to staging."""
    settings.LLMOPS_FINETUNE_BASE_MODELS = {"tiny": str(tiny_folder)}
    settings.LLMOPS_FINETUNE_DIR = tmp_path / "finetune"
    owner = make_member()
    ws = owner.workspace
    prompt, _ = prompt_create(workspace=ws, user=owner.user, name="capitals", version={
        "variables": [{"name": "question"}], "model": TUNED, "commit_message": "city only on the tuned model",
        "messages": [{"role": "user", "template": "Name only the city: {{ question }}"}]})
    label_set(prompt=prompt, name="production", number=1, user=owner.user)
    app = app_create(workspace=ws, name="Capitals", user=owner.user, graph=graph(BASE, library=False))
    app_publish(app=app, user=owner.user)
    runs = [make_run(app, f"what is the capital of zarnovia {i} ?", "hello") for i in range(4)]
    correct, *_ = make_configs(ws)
    queue = make_queue(ws, owner.user, [correct], name="Thumbs down", required_reviews=1)
    annotation.items_add_runs(queue=queue, run_ids=[str(r.pk) for r in runs])
    for _ in range(4):
        item = annotation.item_claim_next(queue=queue, user=owner.user)
        annotation.review_submit(item=item, user=owner.user, scores={str(correct.pk): "no"},
                                 corrected_output="it is quellport .")
    dataset_version = export_to_dataset(queue=queue, user=owner.user, name="Corrected capitals")
    job = start(owner, name="capitals", dataset_id=dataset_version.dataset_id, epochs=2).json()
    assert finetune_execute(tune_id=job["id"])["status"] == "succeeded"
    job = FineTuneJob.objects.get(pk=job["id"])
    App.objects.filter(pk=app.pk).update(draft=graph(BASE, library=True))  # the prompt brings its model
    version_create(app=app, message="tuned + library prompt", user=owner.user)
    experiment = owner.client.post(f"/api/workspaces/{ws.pk}/experiments/", {
        "name": "base vs tuned", "dataset_id": dataset_version.dataset_id,
        "variants": [{"app_id": app.pk, "app_version": 1}, {"app_id": app.pk, "app_version": 2}],
    }, format="json")
    assert experiment.status_code == 201, experiment.content
    experiment = experiment.json()
    variant = experiment["variants"][1]
    promoted = owner.client.post(f"/api/workspaces/{ws.pk}/experiments/{experiment['id']}/variants/"
                                 f"{variant['id']}/promote/", {"label": "staging"}, format="json")
    assert promoted.status_code == 200, promoted.content
    return owner, app, runs, queue, dataset_version, job, experiment


def test_a_version_leads_back_to_its_experiment_adapter_dataset_reviews_and_runs(loop):
    owner, app, runs, queue, dataset_version, job, experiment = loop
    answer = owner.client.get(f"/api/workspaces/{owner.workspace.pk}/apps/{app.pk}/versions/2/lineage/")
    assert answer.status_code == 200, answer.content
    lineage = answer.json()

    assert lineage["version"]["message"] == "tuned + library prompt"
    assert lineage["serving"] == [{"label": "staging", "weight": 100, "split": False}]
    [move] = lineage["moves"]
    assert (move["label"], move["kind"], move["to_version"]) == ("staging", "move", 2)
    assert move["evidence"]["experiment"] == experiment["id"]
    assert move["evidence"]["experiment_name"] == "base vs tuned"

    [prompt] = lineage["prompts"]
    assert (prompt["prompt_name"], prompt["version"]) == ("capitals", 1)
    assert prompt["commit_message"] == "city only on the tuned model"
    assert [m["label"] for m in prompt["label_moves"]] == ["production"]

    [model] = lineage["models"]
    assert model["model"] == "tiny+capitals" and model["node_ids"] == ["llm"]
    assert model["job"]["id"] == job.pk and model["job"]["method"] == "lora" and model["job"]["status"] == "succeeded"
    assert model["job"]["validation_loss"] == [job.val_losses[0][1], job.val_losses[-1][1]]
    assert model["dataset"] == {"id": dataset_version.dataset_id, "name": "Corrected capitals", "version": 1,
                                "version_id": dataset_version.pk}

    [compared] = lineage["experiments"]
    assert compared["id"] == experiment["id"]
    assert [v["runs"] for v in compared["variants"]] == ["app_version"]

    [data] = lineage["datasets"]  # the adapter's data and the experiment's rows: one dataset version
    assert data["rows"] == 4 and data["queues"] == [{"id": queue.pk, "name": "Thumbs down", "items": 4}]
    assert data["reviews"] == 4 and data["reviewers"] == [owner.user.username]
    assert data["source_runs"] == 4 and sorted(data["runs_sample"]) == sorted(str(r.pk) for r in runs)


def test_the_first_version_shows_production_and_no_adapter(loop):
    owner, app, *_ = loop
    lineage = owner.client.get(f"/api/workspaces/{owner.workspace.pk}/apps/{app.pk}/versions/1/lineage/").json()
    assert lineage["serving"] == [{"label": "production", "weight": 100, "split": False}]
    assert [m["kind"] for m in lineage["moves"]] == ["publish"] and lineage["moves"][0]["evidence"] == {}
    assert lineage["models"] == [] and lineage["prompts"] == []
    assert [v["name"] for e in lineage["experiments"] for v in e["variants"]]  # compared in the experiment


def test_another_workspace_and_an_unknown_version_get_404(loop):
    owner, app, *_ = loop
    stranger = make_member()
    url = f"/api/workspaces/{owner.workspace.pk}/apps/{app.pk}/versions/2/lineage/"
    assert_error_shape(stranger.client.get(url), 404)
    assert_error_shape(stranger.client.get(url.replace(str(owner.workspace.pk), str(stranger.workspace.pk), 1)), 404)
    assert_error_shape(owner.client.get(url.replace("/versions/2/", "/versions/9/")), 404)
