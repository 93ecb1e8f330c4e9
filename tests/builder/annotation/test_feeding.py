"""How items reach a queue: sampling rules over published runs, an experiment's cells, by hand."""

from __future__ import annotations

import pytest

from builder.annotation import sampling
from builder.annotation.models import ItemKind, QueueItem
from builder.publishing.models import ApiRun, Feedback
from builder.runs.models import RunSource, RunStatus
from tests.builder.annotation.support import make_app, make_configs, make_queue, make_run

pytestmark = pytest.mark.django_db


@pytest.fixture
def queue_of(member_factory):
    owner = member_factory("owner")
    correct, _, _ = make_configs(owner.workspace)
    queue = make_queue(owner.workspace, owner.user, [correct])
    return owner, queue


def rules_url(owner, queue, tail=""):
    return f"/api/workspaces/{owner.workspace.pk}/annotation/queues/{queue.pk}/rules/{tail}"


def add_rule(owner, queue, **settings):
    answer = owner.client.post(rules_url(owner, queue), settings, format="json")
    assert answer.status_code == 201, answer.content
    return answer.json()


def test_a_rule_samples_its_share_of_published_runs_deterministically(queue_of):
    owner, queue = queue_of
    app = make_app(owner.workspace)
    add_rule(owner, queue, app_id=app.pk, sample_percent=10, daily_cap=1000)
    runs = [make_run(app, f"q{i}", traced=False) for i in range(400)]
    make_run(app, source=RunSource.DEBUG)  # an editor test run: not published traffic
    scanned = owner.client.post(rules_url(owner, queue, "scan/")).json()["added"]
    assert 20 <= scanned <= 65  # 10 % of 400, by hash
    assert owner.client.post(rules_url(owner, queue, "scan/")).json()["added"] == 0  # deduplicated
    chosen = set(QueueItem.objects.filter(queue=queue).values_list("run_id", flat=True))
    assert chosen <= {r.pk for r in runs}
    rule = owner.client.get(rules_url(owner, queue)).json()["results"][0]
    assert rule["added_today"] == scanned and rule["last_scanned_at"] is not None


def test_the_daily_cap_bounds_a_rule(queue_of):
    owner, queue = queue_of
    app = make_app(owner.workspace)
    add_rule(owner, queue, sample_percent=100, daily_cap=5)
    for i in range(12):
        make_run(app, f"q{i}", traced=False)
    assert sampling.queue_scan(queue) == 5
    assert sampling.queue_scan(queue) == 0


def test_filters_label_status_latency_and_negative_feedback(queue_of):
    owner, queue = queue_of
    app = make_app(owner.workspace)
    slow_failed = make_run(app, "slow", status=RunStatus.FAILED, latency_ms=5000, traced=False)
    make_run(app, "slow but fine", latency_ms=5000, traced=False)
    make_run(app, "fast failure", status=RunStatus.FAILED, latency_ms=10, traced=False)
    add_rule(owner, queue, sample_percent=100, status="failed", min_latency_ms=2000)
    assert sampling.queue_scan(queue) == 1
    assert QueueItem.objects.get(queue=queue).run_id == slow_failed.pk

    disliked, liked, labelled = (make_run(app, q, traced=False) for q in ("bad", "good", "staging"))
    Feedback.objects.create(run=disliked, rating=-1)
    Feedback.objects.create(run=liked, rating=1)
    ApiRun.objects.create(run=labelled, label="staging")
    queue.rules.all().delete()
    add_rule(owner, queue, sample_percent=100, negative_feedback=True)
    add_rule(owner, queue, sample_percent=100, label="staging")
    assert sampling.queue_scan(queue) == 2
    assert set(QueueItem.objects.filter(queue=queue, source="rule").values_list("run_id", flat=True)) == {
        slow_failed.pk, disliked.pk, labelled.pk}


def test_a_rule_on_an_evaluator_takes_the_answers_that_fail_it(queue_of):
    owner, queue = queue_of
    app = make_app(owner.workspace)
    good = make_run(app, "json please", '{"ok": true}', traced=False)
    bad = make_run(app, "json please", "not json", traced=False)
    add_rule(owner, queue, sample_percent=100, evaluator={"type": "json_valid"})
    assert sampling.queue_scan(queue) == 1
    assert QueueItem.objects.get(queue=queue).run_id == bad.pk != good.pk
    refused = owner.client.post(rules_url(owner, queue), {"evaluator": {"type": "llm_judge"}}, format="json")
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "rule_invalid"


def test_rules_check_their_filters(queue_of, member_factory):
    owner, queue = queue_of
    foreign_app = make_app(member_factory("owner").workspace)
    for body, field in (({"app_id": foreign_app.pk}, "app_id"), ({"version_number": 2}, "version_number"),
                        ({"status": "running"}, "status")):
        answer = owner.client.post(rules_url(owner, queue), body, format="json")
        assert answer.status_code == 400 and answer.json()["error"]["details"]["field"] == field
    assert owner.client.post(rules_url(owner, queue), {"sample_percent": 101}, format="json").status_code == 400


def test_the_minute_task_runs_every_enabled_rule(queue_of):
    owner, queue = queue_of
    app = make_app(owner.workspace)
    add_rule(owner, queue, sample_percent=100)
    paused = add_rule(owner, queue, sample_percent=100, label="x")
    owner.client.patch(rules_url(owner, queue, f"{paused['id']}/"), {"enabled": False}, format="json")
    make_run(app, traced=False)
    from builder.annotation.tasks import sample

    assert sample() == 1


def test_runs_and_single_nodes_are_added_by_hand(queue_of, member_factory):
    owner, queue = queue_of
    app = make_app(owner.workspace)
    run = make_run(app)
    url = f"/api/workspaces/{owner.workspace.pk}/annotation/queues/{queue.pk}/items/"
    added = owner.client.post(url, {"runs": [{"run_id": str(run.pk), "node_id": "llm_1"}]}, format="json")
    assert added.json() == {"added": 1, "already_queued": 0}
    assert QueueItem.objects.get(queue=queue).kind == ItemKind.NODE
    missing = owner.client.post(url, {"runs": [{"run_id": str(run.pk), "node_id": "nope"}]}, format="json")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "run_not_found"
    foreign = make_run(make_app(member_factory("owner").workspace))
    other = owner.client.post(url, {"run_ids": [str(foreign.pk)]}, format="json")
    assert other.status_code == 404 and other.json()["error"]["code"] == "run_not_found"
    assert owner.client.post(url, {}, format="json").status_code == 400


def test_an_experiments_disagreeing_cells_are_queued(queue_of):
    from builder.datasets.services import dataset_create
    from builder.experiments.models import Cell, CellStatus, Experiment, Variant
    from runtime.evaluation.rows import Row

    owner, queue = queue_of
    app = make_app(owner.workspace)
    dataset = dataset_create(workspace=owner.workspace, user=owner.user, name="d",
                             rows=[Row(inputs={"q": "a"}), Row(inputs={"q": "b"})])
    version = dataset.versions.get()
    experiment = Experiment.objects.create(workspace=owner.workspace, name="e", dataset_version=version)
    variants = [Variant.objects.create(experiment=experiment, position=i, name=f"v{i}", graph={}) for i in range(2)]
    rows = list(version.rows.order_by("position"))
    verdicts = {(0, 0): True, (0, 1): False, (1, 0): True, (1, 1): True}  # row 0 split, row 1 agreed
    for (r, v), passed in verdicts.items():
        Cell.objects.create(experiment=experiment, variant=variants[v], row=rows[r], status=CellStatus.DONE,
                            passed=passed, output="x", run=make_run(app, traced=False))
    url = f"/api/workspaces/{owner.workspace.pk}/annotation/queues/{queue.pk}/items/"
    split = owner.client.post(url, {"experiment_id": experiment.pk, "mode": "disagreements"}, format="json").json()
    assert split == {"added": 2, "already_queued": 0}
    every = owner.client.post(url, {"experiment_id": experiment.pk}, format="json").json()
    assert every == {"added": 2, "already_queued": 2}
    assert set(QueueItem.objects.filter(queue=queue).values_list("kind", flat=True)) == {ItemKind.CELL}
