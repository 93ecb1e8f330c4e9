"""The closed loop's verbs against a running platform, from a clean shell: an annotation queue's
reviews become a dataset and then its next version; a fine-tuning job starts on it (and, with
--wait, is followed until it succeeds or is cancelled); an experiment's app version goes to staging
and to a share of production; the split's winner is promoted, a later split is ended. Refusals are
a message and exit code 1; no token is exit code 2."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from builder.accounts.services import access_token_create
from builder.annotation import services as annotation
from builder.datasets.models import DatasetVersion
from builder.datasets.services import dataset_create
from builder.finetune.executor import finetune_execute
from builder.finetune.models import FineTuneJob
from builder.finetune.services import finetune_cancel
from builder.publishing.models import Label
from runtime.evaluation.rows import Row
from tests.builder.annotation.support import make_app, make_configs, make_queue, make_run
from tests.builder.experiments import test_experiments as experiments
from tests.builder.finetune.conftest import QUESTIONS
from tests.builder.finetune.support import tiny_base_model
from tests.runtime.support import openai_stand_in as stand_in
from tests.support.members import make_member
from tests.support.processes import Backends, web_server

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]

# The experiments' fixture (a member with a provider on the OpenAI stand-in, a prompt and a dataset).
stand_in_server = stand_in.stand_in_server
openai_stand_in = stand_in.openai_stand_in
lab = experiments.lab


def command(base, token, workspace, *args):
    return [sys.executable, "-m", "runtime.cli", *args, "--server", base, "--workspace", str(workspace)], {
        **os.environ, "LLMOPS_TOKEN": token}


def llmops(base, token, workspace, *args):
    argv, env = command(base, token, workspace, *args)
    return subprocess.run(argv, capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)


def wait_for(condition, what: str, timeout: float = 60):
    deadline = time.monotonic() + timeout
    while not (found := condition()):
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)
    return found


def test_a_queues_reviews_become_a_dataset_and_then_its_next_version():
    owner = make_member()
    _, token = access_token_create(user=owner.user, name="ci")
    ws = owner.workspace
    correct, _, _ = make_configs(ws)
    queue = make_queue(ws, owner.user, [correct], name="Bad answers")
    untouched = make_queue(ws, owner.user, [correct], name="Untouched")
    app = make_app(ws)
    runs = [make_run(app, f"question {i}", f"answer {i}") for i in range(3)]
    annotation.items_add_runs(queue=queue, run_ids=[str(r.pk) for r in runs])
    for i in range(3):
        item = annotation.item_claim_next(queue=queue, user=owner.user)
        annotation.review_submit(item=item, user=owner.user, scores={str(correct.pk): "no"},
                                 corrected_output=f"better answer {i}")

    with web_server(Backends()) as base:
        first = llmops(base, token, ws.pk, "queue", "export", str(queue.pk))
        dataset_id = DatasetVersion.objects.get().dataset_id
        again = llmops(base, token, ws.pk, "queue", "export", str(queue.pk), "--dataset", str(dataset_id))
        named = llmops(base, token, ws.pk, "queue", "export", str(queue.pk), "--name", "Reviewed in May")
        empty = llmops(base, token, ws.pk, "queue", "export", str(untouched.pk))
        no_token = subprocess.run([sys.executable, "-m", "runtime.cli", "queue", "export", str(queue.pk),
                                   "--workspace", str(ws.pk), "--server", base], capture_output=True, text=True,
                                  cwd=ROOT, timeout=60,
                                  env={k: v for k, v in os.environ.items() if k != "LLMOPS_TOKEN"})

    assert first.returncode == 0, first.stderr
    assert first.stdout == f'dataset "Bad answers (reviewed)" v1: 3 rows (id {dataset_id})\n'
    assert again.returncode == 0, again.stderr
    assert again.stdout == f'dataset "Bad answers (reviewed)" v2: 6 rows (id {dataset_id})\n'
    assert named.returncode == 0 and named.stdout.startswith('dataset "Reviewed in May" v1: 3 rows')
    versions = DatasetVersion.objects.filter(dataset_id=dataset_id).order_by("number")
    assert [(v.number, v.rows.count()) for v in versions] == [(1, 3), (2, 6)]
    assert [r.expected for r in versions[0].rows.order_by("position")] == [f"better answer {i}" for i in range(3)]
    assert empty.returncode == 1 and empty.stdout == ""
    assert "error:" in empty.stderr and "[nothing_to_export]" in empty.stderr
    assert "No item of this queue is completed yet." in empty.stderr
    assert no_token.returncode == 2 and "LLMOPS_TOKEN" in no_token.stderr


def test_a_fine_tune_starts_on_a_dataset_and_is_followed_until_it_ends(settings, tmp_path):
    folder = tiny_base_model(tmp_path / "tiny")
    settings.LLMOPS_FINETUNE_BASE_MODELS = {"tiny": str(folder)}
    settings.LLMOPS_FINETUNE_DIR = tmp_path / "finetune"
    owner = make_member()
    _, token = access_token_create(user=owner.user, name="ci")
    ws = owner.workspace.pk
    dataset = dataset_create(workspace=owner.workspace, user=owner.user, name="Zarnovia",
                             rows=[Row(inputs={"question": q}, expected="it is quellport .") for q in QUESTIONS * 2])
    waiting = ["finetune", "start", "--dataset", str(dataset.pk), "--base-model", "tiny", "--epochs", "2",
               "--wait", "--poll", "0.1", "--name"]

    with web_server(Backends(), LLMOPS_FINETUNE_BASE_MODELS=f"tiny={folder}") as base:
        queued = llmops(base, token, ws, "finetune", "start", "--dataset", str(dataset.pk), "--name", "first",
                        "--base-model", "tiny")
        unknown = llmops(base, token, ws, "finetune", "start", "--dataset", "999999", "--name", "nothing")

        # --wait on a job this test trains with the platform's own executor (the tiny model: seconds)
        argv, env = command(base, token, ws, *waiting, "trained")
        with open(tmp_path / "trained.err", "w") as progress:
            follower = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=progress, text=True, env=env, cwd=ROOT)
            job = wait_for(lambda: FineTuneJob.objects.filter(name="trained").first(), "the job to be created")
            wait_for(lambda: "queued" in (tmp_path / "trained.err").read_text(), "the first progress line")
            assert finetune_execute(tune_id=job.pk)["status"] == "succeeded"
            trained_out, _ = follower.communicate(timeout=60)
            trained_code = follower.returncode

        # --wait on a job cancelled before any worker took it
        argv, env = command(base, token, ws, *waiting, "dropped")
        follower = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                                    cwd=ROOT)
        dropped = wait_for(lambda: FineTuneJob.objects.filter(name="dropped").first(), "the job to be created")
        finetune_cancel(job=dropped)
        dropped_out, dropped_err = follower.communicate(timeout=60)
        dropped_code = follower.returncode

    first = FineTuneJob.objects.get(name="first")
    assert queued.returncode == 0, queued.stderr
    assert queued.stdout == f'job {first.pk} queued: tiny+first (lora, 3 epochs) on dataset "Zarnovia" v1\n'
    assert (first.status, first.method, first.epochs, first.dataset_version.number) == ("queued", "lora", 3, 1)
    assert unknown.returncode == 1 and "There is no such dataset in this workspace." in unknown.stderr
    assert not FineTuneJob.objects.filter(name="nothing").exists()

    job.refresh_from_db()
    lines = (tmp_path / "trained.err").read_text().splitlines()
    assert trained_code == 0 and trained_out == "tiny+trained\n"
    assert lines[0] == f"job {job.pk} queued"
    assert lines[-1] == (f"job {job.pk} succeeded: step {job.total_steps}/{job.total_steps}, "
                         f"validation loss {job.val_losses[-1][1]:.3f}")
    assert job.status == "succeeded" and job.total_steps > 0

    assert dropped_code == 1 and dropped_out == ""
    assert dropped_err.splitlines()[-1] == f"error: job {dropped.pk} cancelled"


def test_an_app_version_goes_to_staging_then_to_a_share_of_production_and_the_winner_to_everyone(lab):
    app = experiments.capitals_app(lab, "What is the capital of {{ inputs.country }}?",
                                   "Name only the capital of {{ inputs.country }}.")
    experiment = experiments.start(lab, variants=[{"app_id": app.pk, "app_version": 1},
                                                  {"app_id": app.pk, "app_version": 2}])
    first, challenger = (str(v["id"]) for v in experiment["variants"])
    _, token = access_token_create(user=lab.user, name="ci")
    ws, eid, aid = lab.workspace.pk, str(experiment["id"]), str(app.pk)

    def served():
        label = Label.objects.get(app=app, name="production")
        return label.version.number, sorted((a.version.number, a.weight) for a in label.arms.all())

    with web_server(Backends()) as base:
        staged = llmops(base, token, ws, "experiment", "promote", eid, challenger, "--label", "staging")
        canary = llmops(base, token, ws, "experiment", "promote", eid, challenger, "--share", "10")
        during_canary = served()
        won = llmops(base, token, ws, "split", "promote", aid, "production", "2")
        after_win = served()
        again = llmops(base, token, ws, "experiment", "promote", eid, first, "--share", "20")
        ended = llmops(base, token, ws, "split", "end", aid, "production")
        after_end = served()
        not_split = llmops(base, token, ws, "split", "end", aid, "production")
        no_arm = llmops(base, token, ws, "split", "promote", aid, "canary", "2")

    assert staged.returncode == 0, staged.stderr
    assert staged.stdout == f"app {app.pk}: staging → v2 (new label)\n"
    assert staged.stderr.startswith("warning: Nothing is judged")  # what the experiment said of v2
    assert Label.objects.get(app=app, name="staging").version.number == 2
    assert canary.returncode == 0, canary.stderr
    assert canary.stdout == f"app {app.pk}: production split v1 90 % · v2 10 %\n"
    assert during_canary == (1, [(1, 90), (2, 10)])
    assert won.returncode == 0, won.stderr
    assert won.stdout == f"app {app.pk}: production serves v2 to everyone\n"
    assert after_win == (2, [])
    assert again.stdout == f"app {app.pk}: production split v2 80 % · v1 20 %\n"
    assert ended.returncode == 0, ended.stderr
    assert ended.stdout == f"app {app.pk}: production serves v2 to everyone\n"
    assert after_end == (2, [])
    assert not_split.returncode == 1 and not_split.stdout == ""
    assert "[label_not_split]" in not_split.stderr and "it has no split" in not_split.stderr
    assert no_arm.returncode == 1 and "no label 'canary'" in no_arm.stderr
