"""Prompt IDE part 2 in a real browser at 1280×720: a 2 × 3 parameter grid becomes a dataset (then
edited by hand, then a column written by a model); two
prompt versions on two model configurations (the bundled local model and a provider on the
OpenAI stand-in) run over it as an experiment; five cells are labelled by keyboard only; the
ratios and the task matrix name the winner, which is promoted to production in one click."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.conf import settings
from playwright.sync_api import expect

from builder.experiments.models import CellLabel, Experiment
from builder.prompts.models import PromptLabel
from builder.prompts.services import prompt_create, version_push
from builder.providers.services import provider_create
from builder.runs.models import Run
from tests.e2e.test_platform_shell import sign_in
from tests.factories import PASSWORD
from tests.runtime.support.openai_stand_in import Reply
from tests.support.members import make_member
from tests.support.processes import Backends, celery_worker, web_server
from tests.support.screens import whole_page
from tests.support.waiting import wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser, pytest.mark.slow]

SCREENSHOTS = Path(settings.DATA_DIR) / "screenshots"
CAPITALS = {"France": "Paris", "Japan": "Tokyo"}


def shot(page, name: str) -> None:
    whole_page(page, SCREENSHOTS / f"experiments-{name}.png")


def capital_answers(body: dict) -> Reply:
    question = body["messages"][-1]["content"]
    country = next(c for c in CAPITALS if c in question)
    city = CAPITALS[country]
    return Reply(text=city if "Only" in question else f"The capital of {country} is {city}.")


def test_grid_dataset_experiment_keyboard_labels_matrix_and_promote(page, openai_stand_in, settings):
    settings.LLMOPS_HTTP_ALLOWLIST = [urlparse(openai_stand_in.base_url).netloc]
    openai_stand_in.responder = capital_answers
    member = make_member()
    provider_create(workspace=member.workspace, user=member.user, name="standin", kind="openai_compatible",
                    kind_settings={"base_url": openai_stand_in.base_url}, models=[{"name": "gpt-test"}])
    local = {"provider": "local", "model": "smollm2-135m-instruct", "max_tokens": 6, "temperature": 0}
    content = {"variables": [{"name": "country"}, {"name": "style"}], "model": local}
    prompt, _ = prompt_create(workspace=member.workspace, user=member.user, name="capitals", version={
        **content, "messages": [{"role": "user", "template": "In a {{ style }} way: the capital of {{ country }}?"}]})
    version_push(prompt=prompt, user=member.user, content={
        **content, "messages": [{"role": "user", "template": "Only the city ({{ style }}): capital of {{ country }}"}]})
    env = {"LLMOPS_HTTP_ALLOWLIST": urlparse(openai_stand_in.base_url).netloc}
    backends = Backends()
    page.set_viewport_size({"width": 1280, "height": 720})

    with web_server(backends, **env) as base, celery_worker(backends, **env):
        sign_in(page, base, member.user.username, PASSWORD)
        page.get_by_role("link", name="Evaluations").click()

        # 1. A dataset from a grid of 2 × 3 values, the country naming the task.
        page.get_by_label("New dataset name").fill("Capitals")
        page.get_by_role("button", name="Create dataset").click()
        page.get_by_role("tab", name="Generate from a grid").click()
        page.get_by_label("Variable 1 name").fill("country")
        page.get_by_label("Variable 1 values").fill("France\nJapan")
        page.get_by_role("button", name="Add variable").click()
        page.get_by_label("Variable 2 name").fill("style")
        page.get_by_label("Variable 2 values").fill("short\nformal\nplayful")
        page.get_by_label("Task variable").select_option("country")
        page.get_by_role("button", name="Preview").click()
        expect(page.get_by_test_id("grid-preview")).to_contain_text("6 rows")
        page.get_by_role("button", name="Add 6 rows").click()
        expect(page.get_by_text("6 rows in v1")).to_be_visible()
        page.get_by_role("button", name="Edit rows").click()  # the grid editor: the next version
        page.get_by_label("Row 1 expected").fill("Paris")
        page.get_by_role("button", name="Remove row 6").click()
        page.get_by_role("button", name="Save as a new version").click()
        expect(page.get_by_text("5 rows in v2")).to_be_visible()
        page.get_by_role("tab", name="Fill a column with a model").click()  # a model writes a column
        fill = page.get_by_role("form", name="Fill a column with a model")
        fill.get_by_label("New column").fill("hint")
        fill.get_by_label("Model", exact=True).select_option("standin/gpt-test")
        fill.get_by_label("Message to the model, per row (a template over the row's values)").fill(
            "A hint about {{ country }}")
        fill.get_by_role("button", name="Fill the column").click()
        expect(page.get_by_text("5 rows in v3")).to_be_visible(timeout=60_000)
        expect(page.get_by_role("table", name="Rows")).to_contain_text("The capital of Japan is Tokyo.")
        shot(page, "dataset")

        # 2. Two versions × two model configurations; a short answer is a good one.
        page.get_by_role("link", name="Run an experiment").click()
        local_model, remote = "local/smollm2-135m-instruct", "standin/gpt-test"
        for i, (version, model) in enumerate([("1", local_model), ("2", local_model), ("1", remote), ("2", remote)]):
            if i >= 2:
                page.get_by_role("button", name="Add variant").click()
            page.get_by_label(f"Variant {i + 1} prompt").select_option(label="capitals")
            page.get_by_label(f"Variant {i + 1} version").select_option(version)
            page.get_by_label(f"Variant {i + 1} model").select_option(model)
        page.get_by_label("Evaluator 1 name").fill("short")
        page.get_by_label("Evaluator 1 type").select_option("length")
        page.get_by_label("Evaluator 1 settings").fill('{"max_chars": 12}')
        page.get_by_label("primary").check()
        page.get_by_role("button", name="Start experiment").click()

        expect(page.get_by_text("completed")).to_be_visible(timeout=240_000)
        experiment = Experiment.objects.get()
        assert experiment.cells_done == experiment.cells_total == 20

        # 3. Five labels, by keyboard only.
        grid = page.get_by_test_id("results-grid")
        grid.focus()
        for key in ["g", "l", "b", "j", "g", "j", "b", "l", "l", "g"]:
            page.keyboard.press(key)
        wait_for(lambda: CellLabel.objects.filter(user=member.user).count() == 5, "five labels stored")
        expect(page.locator(".summary-table")).to_contain_text("1 person")
        page.keyboard.press("u")  # undo the last one …
        wait_for(lambda: CellLabel.objects.filter(user=member.user).count() == 4, "the last label undone")
        page.keyboard.press("g")  # … and give it again
        wait_for(lambda: CellLabel.objects.filter(user=member.user).count() == 5, "the label given again")

        # 4. The ratios and the matrix name the winner: v2 on the stand-in answers the city alone.
        best = page.locator(".summary-table tr.best")
        expect(best).to_contain_text("capitals@v2 · gpt-test")
        assert experiment.dataset_version.number == 3
        expect(page.get_by_test_id("matrix-row")).to_have_count(2)
        expect(page.get_by_test_id("matrix-row").first).to_contain_text("France")
        expect(page.get_by_test_id("ratio-chart").locator(".main-svg").first).to_be_visible(timeout=15_000)
        shot(page, "results")

        # 5. Promote the winner to production.
        best.get_by_role("button", name="Promote v2").click()
        dialog = page.get_by_test_id("promote-dialog")
        dialog.get_by_role("textbox", name="Label").fill("production")
        dialog.get_by_role("button", name="Promote").click()
        expect(page.get_by_role("status")).to_contain_text("production → v2")
        opened = page.get_by_role("link", name="Open the prompt")
        expect(opened).to_have_attribute("href", f"/app/prompts/{prompt.pk}?v=2")
        assert PromptLabel.objects.get(prompt=prompt, name="production").version.number == 2
        assert CellLabel.objects.filter(user=member.user).count() == 5


def test_runs_become_dataset_rows_and_the_playground_steps_through_them(page):
    member = make_member()
    prompt, _ = prompt_create(workspace=member.workspace, user=member.user, name="capitals", version={
        "variables": [{"name": "country"}], "model": {"provider": "local", "model": "smollm2-135m-instruct"},
        "messages": [{"role": "user", "template": "Capital of {{ country }}?"}]})
    for country, city in CAPITALS.items():
        Run.objects.create(workspace=member.workspace, graph={}, inputs={"country": country}, outputs={"answer": city},
                           status="succeeded", source="api")
    page.set_viewport_size({"width": 1280, "height": 720})

    with web_server(Backends()) as base:
        sign_in(page, base, member.user.username, PASSWORD)
        page.goto(f"{base}/app/runs")
        page.get_by_label("Select every run shown").check()
        group = page.get_by_role("group", name="Add to dataset")
        group.get_by_label("New dataset name").fill("From production")
        group.get_by_role("button", name="Add to dataset").click()
        expect(group.get_by_role("status")).to_contain_text("Added 2 run(s): v1 has 2 rows")
        shot(page, "runs-to-dataset")

        page.goto(f"{base}/app/playground?prompt={prompt.pk}&version=1")
        page.get_by_label("Fill from a dataset").select_option(label="From production v1")
        expect(page.get_by_test_id("dataset-row-position")).to_have_text("row 1 / 2")
        country = page.get_by_label("country", exact=True)
        expect(country).not_to_have_value("")
        first = country.input_value()
        (second,) = set(CAPITALS) - {first}
        page.get_by_role("button", name="Next row (Alt+→)").click()
        expect(page.get_by_test_id("dataset-row-position")).to_have_text("row 2 / 2")
        expect(country).to_have_value(second)  # the form follows the row (a render after the counter)
        expect(page.get_by_test_id("dataset-row-expected")).to_contain_text(CAPITALS[second])
