"""Experiments end to end in one process: two prompt versions × a tagged dataset against the
OpenAI stand-in (a workspace provider), every cell a recorded run judged by evaluators; human
labels override the evaluator; the ratios, intervals and the task matrix; promote; pause,
resume and cancel; a cell left running by a dead worker is finished exactly once."""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest

from builder.datasets.services import dataset_create
from builder.experiments.executor import _cells_claim
from builder.experiments.models import Cell, CellLabel, Experiment
from builder.jobs.models import Job
from builder.jobs.services import job_execute
from builder.prompts.models import PromptLabel
from builder.prompts.services import prompt_create, version_push
from builder.runs.models import Run
from runtime.evaluation.rows import Row
from tests.runtime.support.openai_stand_in import Reply
from tests.support.errors import assert_error_shape
from tests.support.isolation import Call, assert_isolated
from tests.support.members import make_member

pytestmark = [pytest.mark.django_db(transaction=True)]

CAPITALS = {"France": ("Paris", "europe"), "Spain": ("Madrid", "europe"), "Japan": ("Tokyo", "asia"),
            "Peru": ("Lima", "america")}
MODEL = {"provider": "team", "model": "gpt-test"}


def answer_like_a_model(body: dict) -> Reply:
    """v2 asks for the city only and gets it; v1 gets a sentence around it."""
    question = body["messages"][-1]["content"]
    country = re.search(r"of (\w+)", question).group(1)
    city = CAPITALS[country][0]
    return Reply(text=city if "only" in question else f"The capital of {country} is {city}.", usage=(12, 4))


@pytest.fixture
def lab(openai_stand_in, settings):
    """A member with a provider on the stand-in, a prompt with two versions and a dataset."""
    settings.LLMOPS_HTTP_ALLOWLIST = [urlparse(openai_stand_in.base_url).netloc]
    openai_stand_in.responder = answer_like_a_model
    member = make_member()
    created = member.client.post(f"/api/workspaces/{member.workspace.pk}/providers/", {
        "name": "team", "kind": "openai_compatible", "settings": {"base_url": openai_stand_in.base_url},
        "models": [{"name": "gpt-test", "input_per_million": 1000, "output_per_million": 2000}]}, format="json")
    assert created.status_code == 201, created.content
    content = {"variables": [{"name": "country"}], "model": MODEL}
    prompt, _ = prompt_create(workspace=member.workspace, user=member.user, name="capitals", version={
        **content, "messages": [{"role": "user", "template": "What is the capital of {{ country }}?"}]})
    v2, _ = version_push(prompt=prompt, user=member.user, content={
        **content, "messages": [{"role": "user", "template": "Name only the capital of {{ country }}."}]})
    dataset = dataset_create(workspace=member.workspace, user=member.user, name="Capitals", rows=[
        Row(inputs={"country": country}, expected=city, tags=[tag]) for country, (city, tag) in CAPITALS.items()])
    member.prompt, member.versions, member.dataset = prompt, [prompt.versions.get(number=1), v2], dataset
    return member


def start(member, **overrides) -> dict:
    response = member.client.post(f"/api/workspaces/{member.workspace.pk}/experiments/", {
        "name": "v1 vs v2", "dataset_id": member.dataset.pk,
        "variants": [{"prompt_version_id": v.pk, "model": MODEL} for v in member.versions],
        "evaluators": [{"name": "exact", "type": "exact_match"}, {"name": "short", "type": "length", "max_chars": 12}],
        "concurrency": 3, **overrides,
    }, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def run_job(experiment: dict) -> Job:
    return job_execute(job_id=Experiment.objects.get(pk=experiment["id"]).job_id)


def get(member, experiment: dict, path: str = "", **params):
    response = member.client.get(f"/api/workspaces/{member.workspace.pk}/experiments/{experiment['id']}/{path}",
                                 params)
    assert response.status_code == 200, response.content
    return response.json()


def test_every_cell_runs_once_as_a_recorded_run_and_the_summary_names_the_better_version(lab):
    experiment = start(lab)
    assert experiment["status"] == "queued" and experiment["cells_total"] == 8
    assert [v["name"] for v in experiment["variants"]] == ["capitals@v1 · gpt-test", "capitals@v2 · gpt-test"]

    job = run_job(experiment)

    assert job.status == "succeeded" and job.progress == 1.0 and job.message.startswith("8 of 8 cells")
    detail = get(lab, experiment)
    assert (detail["status"], detail["cells_done"], detail["cells_failed"]) == ("completed", 8, 0)
    runs = Run.objects.filter(workspace=lab.workspace, source="experiment")
    assert runs.count() == 8 and {r.status for r in runs} == {"succeeded"}
    assert sorted({r.prompt_version_id for r in runs}) == sorted(v.pk for v in lab.versions)
    assert Cell.objects.filter(run__isnull=True).count() == 0

    rows = get(lab, experiment, "rows/")["results"]
    first = rows[0]
    assert first["row"]["inputs"] == {"country": "France"} and first["row"]["tags"] == ["europe"]
    v1, v2 = first["cells"]
    assert v1["output"] == "The capital of France is Paris." and v2["output"] == "Paris"
    assert [(v["evaluator"], v["passed"]) for v in v1["verdicts"]] == [("exact", False), ("short", False)]
    assert v2["passed"] is True and v2["tokens_in"] == 12
    assert v2["cost"] == pytest.approx(12 * 1000 / 1e6 + 4 * 2000 / 1e6)  # the provider's own prices
    assert v2["judgement"] == {"good": True, "disputed": False, "by": "evaluator"}

    summary = get(lab, experiment, "summary/")
    ratios = {s["name"]: (s["good"], s["n"], s["ratio"]) for s in summary["variants"]}
    assert ratios == {"capitals@v1 · gpt-test": (0, 4, 0.0), "capitals@v2 · gpt-test": (4, 4, 1.0)}
    better = summary["variants"][1]
    assert round(better["ci_low"], 4) == 0.5101 and better["ci_high"] == pytest.approx(1.0)
    assert better["latency_p50_ms"] is not None and better["cost"] > 0
    assert summary["best_variant_id"] == better["id"]
    comparison = summary["comparisons"][0]
    assert (comparison["pairs"], comparison["difference"], comparison["p_value"], comparison["significant"]) == (
        4, 1.0, 0.125, False)  # better on all 4 rows, yet 4 rows are not enough to be sure
    assert [t["task"] for t in summary["tasks"]] == ["america", "asia", "europe"]
    europe = summary["tasks"][2]
    assert europe["rows"] == 2 and europe["best_variant_id"] == better["id"]
    assert europe["variants"][str(better["id"])]["n"] == 2


def test_human_labels_override_the_evaluator_and_disagreement_shows(lab, member_factory):
    experiment = start(lab)
    run_job(experiment)
    colleague = make_member(workspace=lab.workspace, role="builder")
    cell = get(lab, experiment, "rows/")["results"][0]["cells"][0]  # v1 on France: the evaluator says bad
    label_url = f"/api/workspaces/{lab.workspace.pk}/experiments/{experiment['id']}/cells/{cell['id']}/label/"

    mine = lab.client.put(label_url, {"good": True, "score": 4, "comment": "a full sentence is fine"}, format="json")
    assert mine.status_code == 200 and mine.json()["judgement"] == {"good": True, "disputed": False, "by": "human"}
    assert mine.json()["my_label"] == {"good": True, "score": 4, "comment": "a full sentence is fine"}
    assert get(lab, experiment, "summary/")["variants"][0]["good"] == 1
    assert [r["row"]["inputs"]["country"] for r in get(lab, experiment, "rows/", filter="unlabelled")["results"]] == [
        "France", "Spain", "Japan", "Peru"]  # the other variant's cell on France is still unlabelled

    theirs = colleague.client.put(label_url, {"good": False}, format="json")
    assert theirs.json()["judgement"] == {"good": None, "disputed": True, "by": "human"}
    assert [(label["user"], label["good"]) for label in theirs.json()["labels"]] == [
        (lab.user.username, True), (colleague.user.username, False)]
    assert get(lab, experiment, "summary/")["variants"][0]["disputed"] == 1
    assert len(get(lab, experiment, "rows/", filter="disagreements")["results"]) == 4  # v1 and v2 always differ
    assert_error_shape(lab.client.put(label_url, {"good": True, "score": 9}, format="json"), 400)

    assert colleague.client.delete(label_url).status_code == 204
    assert CellLabel.objects.filter(cell_id=cell["id"]).count() == 1


def test_promote_points_the_prompts_label_at_the_winning_version(lab):
    experiment = start(lab)
    winner = experiment["variants"][1]

    promoted = lab.client.post(f"/api/workspaces/{lab.workspace.pk}/experiments/{experiment['id']}/variants/"
                               f"{winner['id']}/promote/", {"label": "staging"}, format="json")

    assert promoted.status_code == 200 and promoted.json()["moved"] == {"from": None, "to": 2}
    # the answer says what the experiment said of the variant (nothing judged yet: a warning, not a refusal)
    assert promoted.json()["standing"]["warn"] and "Nothing is judged" in promoted.json()["standing"]["text"]
    assert PromptLabel.objects.get(prompt=lab.prompt, name="staging").version.number == 2
    moves = lab.client.get(f"/api/workspaces/{lab.workspace.pk}/prompts/{lab.prompt.pk}/label-moves/").json()["results"]
    assert moves[0]["evidence"] == {"experiment": experiment["id"], "experiment_name": "v1 vs v2",
                                    "variant": winner["id"], "variant_name": winner["name"]}
    split = lab.client.post(f"/api/workspaces/{lab.workspace.pk}/experiments/{experiment['id']}/variants/"
                            f"{winner['id']}/promote/", {"label": "production", "share": 10}, format="json")
    assert_error_shape(split, 400, "share_needs_app_version")


def capitals_app(lab, *templates: str):
    """An app with one version per template (the first one published on production)."""
    from builder.flows.models import App
    from builder.flows.services import app_create, version_create
    from builder.publishing.services import app_publish

    def graph(template: str) -> dict:
        return {
            "inputs": [{"name": "country", "type": "string"}],
            "nodes": [
                {"id": "start", "type": "start"},
                {"id": "llm", "type": "prompt", "config": {"model": MODEL, "messages": [
                    {"role": "user", "template": template}]}},
                {"id": "answer", "type": "answer", "config": {"template": "{{ llm.text }}"}},
            ],
            "edges": [{"id": "e1", "source": "start", "target": "llm"},
                      {"id": "e2", "source": "llm", "target": "answer"}],
        }

    app = app_create(workspace=lab.workspace, name="Capitals app", user=lab.user, graph=graph(templates[0]))
    app_publish(app=app, user=lab.user)
    for template in templates[1:]:
        App.objects.filter(pk=app.pk).update(draft=graph(template))
        version_create(app=app, message=template, user=lab.user)
    return app


def test_an_app_version_goes_from_the_matrix_to_staging_and_then_to_a_share_of_production(lab):
    app = capitals_app(lab, "What is the capital of {{ inputs.country }}?",
                       "Name only the capital of {{ inputs.country }}.")
    experiment = start(lab, variants=[{"app_id": app.pk, "app_version": 1}, {"app_id": app.pk, "app_version": 2}])
    challenger = experiment["variants"][1]
    promote = f"/api/workspaces/{lab.workspace.pk}/experiments/{experiment['id']}/variants/{challenger['id']}/promote/"
    labels = f"/api/workspaces/{lab.workspace.pk}/apps/{app.pk}/labels/"

    staged = lab.client.post(promote, {"label": "staging"}, format="json")
    assert staged.status_code == 200, staged.content
    assert {k: v for k, v in staged.json().items() if k != "standing"} == {
        "target": "app", "app_id": app.pk, "label": "staging", "version": 2, "moved": {"from": None, "to": 2},
        "split": []}

    canary = lab.client.post(promote, {"label": "production", "share": 10}, format="json")
    assert canary.status_code == 200, canary.content
    assert canary.json()["split"] == [{"version": 1, "weight": 90}, {"version": 2, "weight": 10}]
    shown = {label["name"]: label for label in lab.client.get(labels).json()}
    assert shown["staging"]["version"] == 2 and shown["production"]["version"] == 1
    assert [(arm["version"], arm["weight"]) for arm in shown["production"]["split"]] == [(1, 90), (2, 10)]

    audit = lab.client.get(labels + "audit/").json()["results"]
    evidence = {"experiment": experiment["id"], "experiment_name": "v1 vs v2", "variant": challenger["id"],
                "variant_name": "Capitals app v2"}
    assert [(m["label"], m["kind"], m["evidence"]) for m in audit] == [
        ("production", "split", evidence), ("staging", "move", evidence), ("production", "publish", {})]


def test_a_share_needs_a_label_to_split_and_a_valid_percent(lab):
    app = capitals_app(lab, "What is the capital of {{ inputs.country }}?",
                       "Name only the capital of {{ inputs.country }}.")
    experiment = start(lab, variants=[{"app_id": app.pk, "app_version": 2}])
    promote = (f"/api/workspaces/{lab.workspace.pk}/experiments/{experiment['id']}/variants/"
               f"{experiment['variants'][0]['id']}/promote/")

    missing = lab.client.post(promote, {"label": "canary", "share": 10}, format="json")
    assert_error_shape(missing, 404, "label_not_found")
    for share in (0, 100, "ten"):
        assert_error_shape(lab.client.post(promote, {"label": "production", "share": share}, format="json"), 400)
    same = lab.client.post(promote, {"label": "production", "share": 10}, format="json")
    assert same.status_code == 200  # production is v1, the variant v2
    assert_error_shape(lab.client.post(promote, {"label": "production", "share": 10}, format="json"), 409)


def test_pause_resume_and_cancel(lab):
    experiment = start(lab)
    base = f"/api/workspaces/{lab.workspace.pk}/experiments/{experiment['id']}/"

    assert lab.client.post(base + "pause/").json()["status"] == "paused"
    assert run_job(experiment).result["cells"] == 0  # a paused experiment starts no cell
    assert_error_shape(lab.client.post(base + "pause/"), 409, "experiment_state_conflict")
    resumed = lab.client.post(base + "resume/").json()
    assert resumed["status"] == "queued" and resumed["job_id"] != experiment["job_id"]
    cancelled = lab.client.post(base + "cancel/").json()
    assert cancelled["status"] == "cancelled"
    assert run_job(experiment).result["cells"] == 0
    assert set(Cell.objects.filter(experiment_id=experiment["id"]).values_list("status", flat=True)) == {"skipped"}
    assert_error_shape(lab.client.post(base + "resume/"), 409, "experiment_state_conflict")


def test_a_cell_left_running_by_a_dead_worker_is_finished_once_on_its_own_run(lab):
    experiment = start(lab)
    orphan = Cell.objects.filter(experiment_id=experiment["id"]).order_by("pk").first()
    ((_, run, mine),) = _cells_claim([orphan.pk], Experiment.objects.get(pk=experiment["id"]))  # then it died
    assert mine and Cell.objects.get(pk=orphan.pk).status == "running"

    run_job(experiment)

    orphan.refresh_from_db()
    assert orphan.status == "done" and orphan.run_id == run.pk and orphan.output
    assert Run.objects.filter(source="experiment").count() == 8
    assert Experiment.objects.get(pk=experiment["id"]).cells_done == 8


def test_a_row_without_a_variable_the_prompt_needs_fails_its_cell_only(lab):
    dataset = dataset_create(workspace=lab.workspace, user=lab.user, name="Mixed", rows=[
        Row(inputs={"country": "Peru"}, expected="Lima"), Row(inputs={"nation": "Chile"}, expected="Santiago")])
    experiment = start(lab, dataset_id=dataset.pk, variants=[{"prompt_version_id": lab.versions[1].pk}])

    run_job(experiment)

    cells = get(lab, experiment, "rows/")["results"]
    assert [c["cells"][0]["status"] for c in cells] == ["done", "failed"]
    assert cells[1]["cells"][0]["error_code"] == "inputs_invalid"
    assert get(lab, experiment)["cells_failed"] == 1
    assert get(lab, experiment, "summary/")["variants"][0]["n"] == 2  # a failed cell counts as bad


def test_an_experiment_can_run_on_some_rows_only_such_as_a_held_out_split(lab):
    rows = list(lab.dataset.versions.get().rows.order_by("position").values_list("pk", "inputs"))
    experiment = start(lab, row_ids=[rows[1][0], rows[3][0]])
    assert experiment["cells_total"] == 4  # 2 rows × 2 variants

    run_job(experiment)

    answered = {tuple(sorted(r["row"]["inputs"].items())) for r in get(lab, experiment, "rows/")["results"]}
    assert answered == {tuple(sorted(rows[1][1].items())), tuple(sorted(rows[3][1].items()))}


@pytest.mark.parametrize("overrides, code", [
    ({"variants": []}, "invalid"),
    ({"variants": [{"prompt_version_id": 999999}]}, "variant_invalid"),
    ({"variants": [{"model": MODEL}]}, "variant_invalid"),
    ({"variants": [{"prompt_version_id": "x"}]}, "variant_invalid"),
    ({"evaluators": [{"type": "regex", "pattern": "("}]}, "evaluator_invalid"),
    ({"evaluators": [{"type": "nope"}]}, "evaluator_invalid"),
    ({"evaluators": [{"name": "a", "type": "json_valid"}], "primary_evaluator": "b"}, "evaluator_invalid"),
    ({"dataset_version": 7}, "dataset_version_not_found"),
    ({"concurrency": 0}, "invalid"),
    ({"row_ids": []}, "invalid"),
    ({"row_ids": [999999]}, "rows_invalid"),
    ({"row_ids": [-1]}, "invalid"),
])
def test_a_bad_experiment_is_refused_before_anything_runs(lab, overrides, code):
    body = {"name": "x", "dataset_id": lab.dataset.pk, "variants": [{"prompt_version_id": lab.versions[0].pk}],
            **overrides}

    response = lab.client.post(f"/api/workspaces/{lab.workspace.pk}/experiments/", body, format="json")

    assert_error_shape(response, 404 if code.endswith("not_found") else 400, code)
    assert not Experiment.objects.exists()


def test_another_workspace_sees_nothing_and_changes_nothing(lab):
    experiment = start(lab)
    outsider = make_member()
    base = f"/api/workspaces/{outsider.workspace.pk}/experiments/{experiment['id']}/"
    cell = Cell.objects.filter(experiment_id=experiment["id"]).first()

    assert_isolated(outsider.client, [
        Call("GET", base), Call("GET", base + "rows/"), Call("GET", base + "summary/"),
        Call("GET", base + "export/"), Call("POST", base + "pause/"), Call("POST", base + "cancel/"),
        Call("PUT", base + f"cells/{cell.pk}/label/", {"good": True}),
        Call("POST", base + f"variants/{experiment['variants'][0]['id']}/promote/", {}),
    ], watch=[Experiment.objects.all(), Cell.objects.all(), CellLabel.objects.all()])
    other_dataset = outsider.client.post(f"/api/workspaces/{outsider.workspace.pk}/experiments/", {
        "name": "x", "dataset_id": lab.dataset.pk, "variants": [{"prompt_version_id": lab.versions[0].pk}]},
        format="json")
    assert_error_shape(other_dataset, 404, "not_found")


def test_export_holds_every_cell_with_the_summary(lab):
    experiment = start(lab)
    run_job(experiment)
    base = f"/api/workspaces/{lab.workspace.pk}/experiments/{experiment['id']}/export/"

    as_json = lab.client.get(base, {"format": "json"}).json()
    as_csv = lab.client.get(base, {"format": "csv"}).content.decode().splitlines()

    assert len(as_json["cells"]) == 8 and as_json["summary"]["best_variant_id"] == experiment["variants"][1]["id"]
    assert as_csv[0].startswith("row,tags,inputs,expected,variant,status,output,passed,good")
    assert len(as_csv) == 9


def test_an_app_version_is_a_variant_and_a_judge_reads_its_rubric_from_a_library_prompt(lab, openai_stand_in):
    from builder.flows.models import AppVersion
    from builder.flows.services import app_create, version_create

    graph = {
        "inputs": [{"name": "country", "type": "string"}],
        "nodes": [
            {"id": "start", "type": "start"},
            {"id": "llm", "type": "prompt", "config": {"model": MODEL, "messages": [
                {"role": "user", "template": "Name only the capital of {{ inputs.country }}."}]}},
            {"id": "answer", "type": "answer", "config": {"template": "{{ llm.text }}"}},
        ],
        "edges": [{"id": "e1", "source": "start", "target": "llm"}, {"id": "e2", "source": "llm", "target": "answer"}],
    }
    app = app_create(workspace=lab.workspace, name="Capitals app", user=lab.user, graph=graph)
    version_create(app=app, user=lab.user, message="first")
    prompt_create(workspace=lab.workspace, user=lab.user, name="judge", version={
        "messages": [{"role": "system", "template": "Grade strictly. Rubric: {{ rubric }}"},
                     {"role": "user", "template": "{{ answer }}"}],
        "variables": [{"name": "rubric"}, {"name": "answer"}], "model": MODEL})

    def judge_or_answer(body: dict) -> Reply:
        if body["messages"][0]["content"].startswith("Grade strictly"):
            return Reply(text='{"score": 1, "reason": "a city alone"}')
        return answer_like_a_model(body)

    openai_stand_in.responder = judge_or_answer
    experiment = start(lab, variants=[{"app_id": app.pk, "app_version": 1}], evaluators=[
        {"name": "judge", "type": "llm_judge", "model": {"provider": "team", "model": "gpt-test"},
         "rubric": "A city alone.", "prompt_ref": "judge@v1"}])

    run_job(experiment)

    assert experiment["variants"][0]["name"] == "Capitals app v1"
    assert AppVersion.objects.get(app=app).pk == experiment["variants"][0]["app_version_id"]
    cell = get(lab, experiment, "rows/")["results"][0]["cells"][0]
    assert cell["output"] == "Paris"
    assert cell["verdicts"][0]["passed"] and cell["verdicts"][0]["reason"] == "a city alone"
    judged = [r for r in openai_stand_in.chat_requests() if r["messages"][0]["content"].startswith("Grade")]
    assert len(judged) == 4 and judged[0]["messages"][0]["content"] == "Grade strictly. Rubric: A city alone."
    assert Run.objects.filter(source="experiment", app=app).count() == 4
    missing = lab.client.post(f"/api/workspaces/{lab.workspace.pk}/experiments/", {
        "name": "x", "dataset_id": lab.dataset.pk, "variants": [{"app_id": app.pk, "app_version": 1}],
        "evaluators": [{"type": "llm_judge", "model": MODEL, "rubric": "r", "prompt_ref": "nope@v1"}]}, format="json")
    assert_error_shape(missing, 404, "prompt_not_found")
