"""What the Cost, Performance and Quality pages show, against hand-computed figures: the month's
projection and the day it crosses the budget, the top end users, two versions compared with
95 % Wilson intervals, the runs behind a clicked bar, and the budget that only owners set."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from builder.accounts.models import Role
from builder.monitoring import selectors
from builder.monitoring.dash import figures
from builder.monitoring.models import Budget, RunRollup
from builder.monitoring.selectors import Scope
from builder.monitoring.services import budget_set, rollups_prune
from tests.builder.annotation.support import make_app
from tests.builder.monitoring.dash_client import texts, update
from tests.builder.monitoring.support import make_version, published_run, rate
from tests.support.members import make_member

pytestmark = pytest.mark.django_db

FILTERS = {"f-range": "24h", "f-app": None, "f-version": None, "f-label": None, "f-model": None, "f-key": None,
           "f-source": None, "theme": "light"}


def test_the_month_is_projected_and_the_day_it_crosses_the_budget_named():
    member = make_member()
    app = make_app(member.workspace)
    for day in range(1, 6):  # $10 a day, November 1st to 5th
        published_run(app, at=datetime(2026, 11, day, 9, tzinfo=UTC), cost=10.0)
    budget_set(workspace_id=member.workspace.pk, monthly=Decimal("200"), user_id=member.user.pk)
    month = selectors.budget_projection(member.workspace.pk, now=datetime(2026, 11, 5, 18, tzinfo=UTC))
    assert month["spent"] == pytest.approx(50)
    assert month["per_day"] == pytest.approx(10)
    assert month["projected"] == pytest.approx(50 + 10 * 25)  # 25 days after today
    assert month["exceeds_on"] == date(2026, 11, 20)  # 50 + 15 × 10 = 200
    assert month["budget"] == 200

    budget_set(workspace_id=member.workspace.pk, monthly=Decimal("1000"), user_id=member.user.pk)
    assert selectors.budget_projection(member.workspace.pk, now=datetime(2026, 11, 5, 18, tzinfo=UTC))[
        "exceeds_on"] is None


def test_the_top_end_users_are_those_who_cost_the_most():
    member = make_member()
    app = make_app(member.workspace)
    at = timezone.now() - timedelta(hours=1)
    for user, cost in (("ada", 0.01), ("ada", 0.02), ("bob", 0.04), ("", 9.0)):
        published_run(app, at=at, cost=cost, tokens=(10, 5), end_user=user)
    scope = Scope(member.workspace.pk, at - timedelta(days=1), at + timedelta(days=1))
    assert [(u["end_user"], u["runs"], round(u["cost"], 4)) for u in selectors.end_users(scope)] == [
        ("bob", 1, 0.04), ("ada", 2, 0.03)]  # calls without a user are not an end user


def test_two_versions_compared_with_wilson_intervals():
    member = make_member()
    app = make_app(member.workspace)
    v1, v2 = make_version(app, 1), make_version(app, 2)
    at = timezone.now() - timedelta(hours=2)
    for version, positive, negative in ((v1, 8, 2), (v2, 3, 7)):
        for i in range(positive + negative):
            rate(published_run(app, at=at, version=version), 1 if i < positive else -1)
    scope = Scope(member.workspace.pk, at - timedelta(hours=1), at + timedelta(hours=3))
    first, second = selectors.versions_compared(scope, [v1.pk, v2.pk])
    # Wilson 95 % for 8 of 10: (p + z²/2n ± z·sqrt(p(1-p)/n + z²/4n²)) / (1 + z²/n), z = 1.95996
    assert first["positive_share"]["value"] == 0.8
    assert first["positive_share"]["low"] == pytest.approx(0.4902, abs=1e-4)
    assert first["positive_share"]["high"] == pytest.approx(0.9433, abs=1e-4)
    assert second["positive_share"]["low"] == pytest.approx(1 - 0.8922, abs=1e-4)  # 3 of 10 mirrors 7 of 10
    assert (first["runs"], second["runs"], first["feedback"]) == (10, 10, 10)


def test_a_clicked_bar_lists_the_runs_of_its_bucket_with_links_to_their_traces():
    member = make_member(Role.BUILDER)
    app = make_app(member.workspace)
    now = timezone.now().replace(second=0, microsecond=0)
    times = [now - timedelta(hours=2, minutes=m) for m in (1, 2)]
    inside = [(published_run(app, at=at), at) for at in times]
    published_run(app, at=now - timedelta(hours=5))  # another hour
    client = Client()
    client.force_login(member.user)
    hour = (now - timedelta(hours=2, minutes=1)).replace(minute=0)
    click = {"points": [{"x": hour.astimezone(UTC).strftime("%Y-%m-%d %H:%M")}]}
    response = update(client, member.workspace.pk, "perf-runs.children", {**FILTERS, "perf-requests": click})
    assert response.status_code == 200
    shown = response.json()["response"]["perf-runs"]["children"]
    links = [a["props"]["href"] for a in _find(shown, "A")]
    expected = {f"/app/runs/{run.pk}" for run, at in inside if at >= hour}
    assert set(links) == expected and len(links) >= 1


def test_only_owners_set_the_budget_and_bad_amounts_are_refused():
    owner = make_member(Role.OWNER)
    builder = make_member(Role.BUILDER, workspace=owner.workspace)
    save = {"cost-budget-save": 1}
    as_builder = Client()
    as_builder.force_login(builder.user)
    said = update(as_builder, owner.workspace.pk, "cost-budget-note.children", {**save, "cost-budget": 500})
    assert said.json()["response"]["cost-budget-note"]["children"] == "Only owners set the budget."
    assert not Budget.objects.filter(workspace=owner.workspace).exists()

    as_owner = Client()
    as_owner.force_login(owner.user)
    for bad in (-5, 1e30, "lots", None):
        said = update(as_owner, owner.workspace.pk, "cost-budget-note.children", {**save, "cost-budget": bad})
        assert said.status_code == 200
        note = said.json()["response"]["cost-budget-note"]["children"]
        assert note.startswith(("A budget is", "Enter the monthly budget")), note
    said = update(as_owner, owner.workspace.pk, "cost-budget-note.children", {**save, "cost-budget": 250})
    assert said.json()["response"]["cost-budget-note"]["children"] == "Budget saved: $250.00 a month."
    budget = Budget.objects.get(workspace=owner.workspace)
    assert (budget.monthly, budget.updated_by_id) == (Decimal("250.00"), owner.user.pk)
    kpis = update(as_owner, owner.workspace.pk, "cost-kpis.children", {**FILTERS, "cost-budget-note": None})
    assert "$250.00" in " ".join(texts(kpis.json()["response"]["cost-kpis"]["children"]))

    said = update(as_owner, owner.workspace.pk, "cost-budget-note.children", {"cost-budget-remove": 1},
                  changed=["cost-budget-remove"])
    assert said.json()["response"]["cost-budget-note"]["children"] == "Budget removed."
    assert not Budget.objects.filter(workspace=owner.workspace).exists()


def test_pruning_drops_old_minutes_and_keeps_hours_and_days():
    member = make_member()
    app = make_app(member.workspace)
    now = timezone.now()
    published_run(app, at=now - timedelta(days=3), cost=1.0)
    published_run(app, at=now - timedelta(minutes=10), cost=2.0)
    assert rollups_prune(now=now) >= 1
    minutes = RunRollup.objects.filter(workspace=member.workspace, grain="m")
    assert minutes.count() == 1
    week = Scope(member.workspace.pk, now - timedelta(days=7), now)
    assert selectors.totals(week)["cost"] == pytest.approx(3.0)  # from the hours: nothing lost


def _find(node, kind: str) -> list[dict]:
    out = []
    if isinstance(node, list):
        for child in node:
            out += _find(child, kind)
    elif isinstance(node, dict):
        if node.get("type") == kind:
            out.append(node)
        out += _find(node.get("props", {}).get("children"), kind)
    return out


def test_each_evaluators_pass_rate_per_version_counts_every_verdict_of_the_experiments_in_range():
    from builder.datasets.services import dataset_create
    from builder.experiments.models import Cell, Experiment, Variant
    from runtime.evaluation.rows import Row

    member = make_member()
    app = make_app(member.workspace)
    v1, v2 = make_version(app, 1), make_version(app, 2)
    dataset = dataset_create(workspace=member.workspace, user=member.user, name="Questions",
                             rows=[Row(inputs={"q": str(i)}) for i in range(4)])
    version = dataset.versions.get()
    experiment = Experiment.objects.create(workspace=member.workspace, name="v1 vs v2", dataset_version=version,
                                           finished_at=timezone.now() - timedelta(hours=1))
    verdicts = {  # per version: (contains, length) verdicts of its four cells
        v1: [(True, True), (True, False), (False, False), (True, None)],
        v2: [(True, True), (True, True), (True, True), (False, True)],
    }
    for position, (app_version, cells) in enumerate(verdicts.items()):
        variant = Variant.objects.create(experiment=experiment, position=position, name=f"v{app_version.number}",
                                         app_version=app_version, graph={})
        for row, (contains, length) in zip(version.rows.order_by("position"), cells, strict=True):
            Cell.objects.create(experiment=experiment, variant=variant, row=row, status="done", passed=contains,
                                verdicts=[{"evaluator": "contains", "passed": contains},
                                          {"evaluator": "length", "passed": length}])
    now = timezone.now()
    rates = {(r["version"], r["evaluator"]): (r["passed"], r["judged"]) for r in selectors.evaluator_pass_rates(
        member.workspace.pk, app_id=app.pk, since=now - timedelta(days=1), until=now)}
    assert rates == {(1, "contains"): (3, 4), (1, "length"): (1, 3), (2, "contains"): (3, 4), (2, "length"): (4, 4)}
    assert selectors.evaluator_pass_rates(member.workspace.pk, app_id=app.pk, since=now - timedelta(minutes=30),
                                          until=now) == []  # finished before the range

    # the good-result chart spans the range picked (Last 24 hours), not the instant of its one experiment
    client = Client()
    client.force_login(member.user)
    response = update(client, member.workspace.pk, "quality-good-ratio.figure", {**FILTERS, "f-app": app.pk})
    axis = response.json()["response"]["quality-good-ratio"]["figure"]["layout"]["xaxis"]["range"]
    shown = [datetime.fromisoformat(str(end)).replace(tzinfo=UTC) for end in axis]
    assert timedelta(hours=23) < shown[1] - shown[0] <= timedelta(hours=26)


def test_reviewers_scores_of_every_kind_are_averaged_from_their_values(member_factory):
    """Yes/no as the share yes, numbers as their mean, options as the share of the first (best)
    option; text is not a figure. Three reviewed runs: every kind is counted, none from its text."""
    from builder.annotation import services as annotation

    owner = member_factory("owner")
    correct = annotation.score_config_create(workspace=owner.workspace, name="Correct", kind="categorical",
                                             options=["yes", "partly", "no"])
    polite = annotation.score_config_create(workspace=owner.workspace, name="Polite", kind="boolean")
    stars = annotation.score_config_create(workspace=owner.workspace, name="Stars", kind="numeric",
                                           min_value=1, max_value=5)
    note = annotation.score_config_create(workspace=owner.workspace, name="Note", kind="text")
    queue = annotation.queue_create(workspace=owner.workspace, user=owner.user, name="Answers",
                                    score_config_ids=[c.pk for c in (correct, polite, stars, note)])
    app = make_app(owner.workspace)
    at = timezone.now() - timedelta(hours=1)
    runs = [published_run(app, at=at) for _ in range(3)]
    annotation.items_add_runs(queue=queue, run_ids=[str(r.pk) for r in runs])
    for said in (("yes", True, 5), ("yes", False, 4), ("no", True, 3)):
        item = annotation.item_claim_next(queue=queue, user=owner.user)
        annotation.review_submit(item=item, user=owner.user, scores={
            str(correct.pk): said[0], str(polite.pk): said[1], str(stars.pk): said[2], str(note.pk): "fine"})
    scores = {s["name"]: (s["n"], round(s["mean"], 4))
              for s in selectors.annotation_scores(Scope(owner.workspace.pk, at - timedelta(hours=1), timezone.now()))}
    assert scores == {"Correct": (3, round(2 / 3, 4)), "Polite": (3, round(2 / 3, 4)), "Stars": (3, 4.0)}
    words = {s["name"]: figures.score(s) for s in selectors.annotation_scores(
        Scope(owner.workspace.pk, at - timedelta(hours=1), timezone.now()))}
    assert words == {"Correct": "67 % yes", "Polite": "67 % yes", "Stars": "4.00"}
    elsewhere = Scope(owner.workspace.pk, at - timedelta(days=3), at - timedelta(days=2))
    assert selectors.annotation_scores(elsewhere) == []  # runs outside the range are not counted
