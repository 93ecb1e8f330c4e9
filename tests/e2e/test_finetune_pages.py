"""The Fine-tuning pages in a real browser at 1280×720 (no worker runs: a started job stays queued):
a builder finds the area in the nav and its empty state (an upload that is not an adapter is
refused at its field), starts a fine-tune from a dataset's page
("Fine-tune on this" preselects it), switches the method card and sees its settings change, is
told at the Name field that a name is invalid and then taken, starts the job, lands on its page
(queued), cancels it, deletes it and is back at the list."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from builder.datasets.services import dataset_create
from builder.finetune.models import FineTuneJob, TuneStatus
from runtime.evaluation.rows import Row
from tests.e2e.test_platform_shell import sign_in
from tests.factories import PASSWORD
from tests.support.members import make_member
from tests.support.processes import Backends, web_server
from tests.support.screens import whole_page

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser, pytest.mark.slow]

SCREENSHOTS = Path(settings.DATA_DIR) / "screenshots"
BASE = "smollm2-135m-instruct"
QUESTIONS = ["What is the capital of Zarnovia?", "Name Zarnovia's capital.", "Where does Zarnovia's king live?",
             "Capital city of Zarnovia?", "Which city is Zarnovia's capital?", "Zarnovia's seat of government?"]


def shot(page, name: str) -> None:
    whole_page(page, SCREENSHOTS / f"finetune-{name}.png")


def test_start_a_fine_tune_from_a_dataset_see_field_errors_cancel_and_delete(page):
    member = make_member()
    dataset = dataset_create(workspace=member.workspace, user=member.user, name="Zarnovia facts",
                             rows=[Row(inputs={"question": q}, expected="Quellport.") for q in QUESTIONS])
    page.set_viewport_size({"width": 1280, "height": 720})

    with web_server(Backends()) as base:
        sign_in(page, base, member.user.username, PASSWORD)

        # 1. The area, from the nav: nothing yet, and what fine-tuning is.
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Fine-tuning").click()
        expect(page).to_have_url(f"{base}/app/finetune")
        expect(page.get_by_test_id("finetune-empty")).to_contain_text("expected output")
        shot(page, "empty")

        # An upload that is not an adapter is refused at the file's field; nothing is added.
        page.get_by_role("button", name="Upload adapter").click()
        dialog = page.get_by_role("dialog", name="Upload an adapter")
        dialog.get_by_label("Name", exact=True).fill("from-elsewhere")
        dialog.get_by_label("Adapter (.zip)").set_input_files(
            {"name": "adapter.zip", "mimeType": "application/zip", "buffer": b"not a zip"})
        dialog.get_by_role("button", name="Upload").click()
        expect(dialog.get_by_test_id("field-error-file")).to_contain_text("not a zip")
        expect(dialog.get_by_label("Adapter (.zip)")).to_have_attribute("aria-invalid", "true")
        dialog.get_by_role("button", name="Cancel").click()
        expect(dialog).to_have_count(0)
        assert not FineTuneJob.objects.exists()

        # 2. From the dataset's page, "Fine-tune on this": the dataset and its version preselected.
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Evaluations").click()
        page.get_by_role("link", name="Zarnovia facts").click()
        page.get_by_role("link", name="Fine-tune on this").click()
        expect(page).to_have_url(f"{base}/app/finetune/new?dataset={dataset.pk}")
        expect(page.get_by_label("Dataset", exact=True)).to_have_value(str(dataset.pk))
        expect(page.get_by_label("Dataset version")).to_have_value("1")
        expect(page.get_by_label("Base model")).to_have_value(BASE)

        # 3. LoRA is chosen with its settings; the Prefix tuning card shows its own instead.
        expect(page.get_by_role("radio", name="LoRA")).to_be_checked()
        expect(page.get_by_label("Rank r")).to_have_value("8")
        page.get_by_text("Prefix tuning", exact=True).click()
        expect(page.get_by_role("radio", name="Prefix tuning")).to_be_checked()
        expect(page.get_by_label("Rank r")).to_have_count(0)
        expect(page.get_by_label("Virtual tokens")).to_have_value("16")
        page.get_by_label("Virtual tokens").fill("8")

        # 4. An invalid name, then a taken one: each time the message is at the Name field.
        name = page.get_by_label("Name", exact=True)
        name.fill("Not a slug!")
        page.get_by_role("button", name="Start fine-tuning").click()
        expect(name).to_have_attribute("aria-invalid", "true")
        expect(page.get_by_test_id("field-error-name")).to_contain_text("slug")
        FineTuneJob.objects.create(workspace=member.workspace, name="zarnovia-taken", base_model=BASE, method="lora",
                                   dataset_version=dataset.versions.get(number=1))
        name.fill("zarnovia-taken")
        page.get_by_role("button", name="Start fine-tuning").click()
        expect(page.get_by_test_id("field-error-name")).to_contain_text("exists in this workspace")
        expect(name).to_be_focused()
        shot(page, "name-taken")

        # 5. A good name: the job's page, queued (no worker here), with the method's settings.
        name.fill("zarnovia-prefix")
        page.get_by_role("button", name="Start fine-tuning").click()
        expect(page).to_have_url(re.compile(rf"{re.escape(base)}/app/finetune/\d+$"))
        expect(page.get_by_role("heading", level=1)).to_contain_text(f"{BASE}+zarnovia-prefix")
        expect(page.get_by_test_id("tune-status")).to_have_text("queued")
        expect(page.get_by_test_id("job-facts")).to_contain_text("Prefix tuning")
        expect(page.get_by_role("link", name="Zarnovia facts v1")).to_have_attribute(
            "href", f"/app/evaluations/datasets/{dataset.pk}")
        job = FineTuneJob.objects.get(name="zarnovia-prefix")
        assert (job.method, job.method_settings, job.dataset_version.number) == ("prefix", {"virtual_tokens": 8}, 1)
        shot(page, "queued")

        # 6. Cancel (a queued job stops at once), then delete it: back at the list.
        page.get_by_role("button", name="Cancel").click()
        expect(page.get_by_test_id("tune-status")).to_have_text("cancelled")
        assert FineTuneJob.objects.get(pk=job.pk).status == TuneStatus.CANCELLED
        page.get_by_role("button", name="Delete").click()
        page.get_by_role("alertdialog").get_by_role("button", name="Delete fine-tune").click()
        expect(page).to_have_url(f"{base}/app/finetune")
        expect(page.get_by_test_id("finetune-row")).to_have_count(1)
        expect(page.get_by_test_id("finetune-row")).to_contain_text(f"{BASE}+zarnovia-taken")
        assert not FineTuneJob.objects.filter(pk=job.pk).exists()


def test_a_running_job_draws_its_loss_curve_live_in_the_theme(page):
    """The worker's progress (written to the job's row) reaches the page: the step, then the curve
    redrawn in the same chart (no new plot), and in the dark theme's colours after a switch."""
    member = make_member()
    dataset = dataset_create(workspace=member.workspace, user=member.user, name="Zarnovia facts",
                             rows=[Row(inputs={"question": q}, expected="Quellport.") for q in QUESTIONS])
    job = FineTuneJob.objects.create(
        workspace=member.workspace, name="zarnovia-lora", base_model=BASE, method="lora",
        method_settings={"r": 8}, dataset_version=dataset.versions.get(number=1), status=TuneStatus.RUNNING,
        step=10, total_steps=100, losses=[[s, 3 - s / 10] for s in range(1, 11)], tokens_per_s=1500.0, eta_s=90,
        trainable_params=460_800, total_params=134_515_008, train_rows=5, validation_rows=1)
    page.set_viewport_size({"width": 1280, "height": 720})

    with web_server(Backends()) as base:
        sign_in(page, base, member.user.username, PASSWORD)
        page.goto(f"{base}/app/finetune/{job.pk}")
        expect(page.get_by_role("progressbar", name="Training progress")).to_contain_text("step 10/100")
        expect(page.get_by_test_id("job-facts")).to_contain_text("≈ 461k trainable parameters (0.3 % of 135M)")
        chart = page.get_by_test_id("loss-curve")
        expect(chart.locator(".main-svg").first).to_be_visible(timeout=15_000)
        chart.evaluate("el => { el.dataset.first = 'yes'; }")
        assert chart.evaluate("el => el.data.map(t => t.x.length)") == [10]

        FineTuneJob.objects.filter(pk=job.pk).update(
            step=20, losses=[[s, 3 - s / 10] for s in range(1, 21)], val_losses=[[20, 1.2]])
        expect(page.get_by_role("progressbar", name="Training progress")).to_contain_text("step 20/100")
        page.wait_for_function(
            "() => document.querySelector('[data-testid=loss-curve]').data.map(t => t.x.length).join() === '20,1'")
        assert chart.evaluate("el => el.dataset.first") == "yes"  # the same chart, redrawn
        shot(page, "running")

        light = chart.evaluate("el => el.layout.font.color")
        page.get_by_role("button", name=re.compile("Dark mode")).click()
        page.wait_for_function(
            f"() => document.querySelector('[data-testid=loss-curve]').layout.font.color !== {light!r}")
        assert chart.evaluate("el => el.layout.font.color") == page.evaluate(
            "getComputedStyle(document.documentElement).getPropertyValue('--text').trim()")
        shot(page, "running-dark")
