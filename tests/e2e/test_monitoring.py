"""The monitoring pages in a real browser, as an operator uses them: calls through the public
endpoint (one failing at the model) show up on the Cost and Performance pages reached from the
app's nav; choosing an app in the shared filter narrows the figures and the page links keep it;
clicking a bar lists the runs behind it, and a run's link opens its trace in the app."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from builder.publishing.services import api_key_create
from tests.builder.publishing.graphs import greeting_graph, prompt_graph
from tests.builder.publishing.support import gateway_server, published, standin_configured, wait_for_run
from tests.e2e.test_platform_shell import sign_in
from tests.e2e.test_runs import call
from tests.factories import PASSWORD
from tests.runtime.support.openai_stand_in import Reply
from tests.support.members import make_member

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser, pytest.mark.slow]

SCREENSHOTS = Path(settings.DATA_DIR) / "screenshots"
VIEWPORT = {"width": 1280, "height": 720}


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"monitoring-{name}.png"), full_page=True)


def choose(page, filter_id: str, option: str) -> None:
    """Pick ``option`` in one of the shared filters (a Dash dropdown)."""
    page.locator(f"#{filter_id}").click()
    page.get_by_role("option", name=option, exact=True).click()


def test_an_operator_reads_the_pages_filters_by_app_and_opens_a_run_behind_a_bar(page, openai_stand_in, settings):
    standin_configured(settings)  # "Asker" calls the stand-in
    member = make_member()
    greeter = published(member, greeting_graph("Hello"), name="Greeter")
    asker = published(member, prompt_graph(stream=False), name="Asker")
    _, secret = api_key_create(workspace=member.workspace, name="e2e backend", user=member.user)
    openai_stand_in.script(Reply(text="Paris.", usage=(9, 2)), Reply.error(400, "bad prompt"))
    page.set_viewport_size(VIEWPORT)
    ws = member.workspace.pk

    with gateway_server(openai_stand_in) as base:
        made = [(call(base, greeter, secret, {"name": name}), "succeeded") for name in ("Ada", "Grace", "Alan")]
        made += [(call(base, asker, secret, {"query": "Capital of France?"}), "succeeded"),
                 (call(base, asker, secret, {"query": "Break it"}, expected_status=502), "failed")]
        for run_id, status in made:
            wait_for_run(run_id, status=status)

        sign_in(page, base, member.user.username, PASSWORD)
        expect(page).to_have_url(f"{base}/app/")
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Monitoring").click()
        expect(page).to_have_url(f"{base}/monitoring/w/{ws}/cost")
        expect(page.locator("#cost-kpis")).to_contain_text("5 runs")
        shot(page, "cost")

        pages = page.get_by_role("navigation", name="Monitoring pages")
        pages.get_by_role("link", name="Performance").click()
        expect(page).to_have_url(f"{base}/monitoring/w/{ws}/performance")
        kpis = page.locator("#perf-kpis")
        expect(kpis).to_contain_text("Requests5")
        expect(kpis).to_contain_text("20.0 %")  # 1 of 5 failed
        expect(page.locator("#perf-errors")).to_contain_text("bad_request")  # the failed call's code, charted
        expect(page.get_by_role("button", name=re.compile("Share chart"))).to_have_count(0)  # no upload to a cloud
        shot(page, "performance")

        # One app: the figures follow, and the page links carry the filter to the other pages.
        choose(page, "f-app", "Greeter")
        expect(kpis).to_contain_text("Requests3")
        expect(kpis).to_contain_text("0.0 %")
        expect(pages.get_by_role("link", name="Quality")).to_have_attribute(
            "href", re.compile(rf"/monitoring/w/{ws}/quality\?app={greeter.pk}$"))

        # A bar of requests over time lists the runs behind it; a run opens with its trace.
        bar = page.locator("#perf-requests .trace.bars .point path").first.bounding_box()
        page.mouse.click(bar["x"] + bar["width"] / 2, bar["y"] + bar["height"] / 2)  # Plotly's drag layer takes it
        runs = page.locator("#perf-runs")
        expect(runs.locator("tbody tr")).to_have_count(3)
        expect(runs).not_to_contain_text("Asker")
        shot(page, "runs-behind")
        runs.get_by_role("link", name="Trace →").first.click()
        expect(page).to_have_url(re.compile(rf"{base}/app/runs/[0-9a-f-]{{36}}$"))
        expect(page.get_by_text("Greeter").first).to_be_visible()

        # And back: the Quality page of the same workspace, with the app's own link to the app.
        page.goto(f"{base}/monitoring/w/{ws}/quality?app={greeter.pk}")
        expect(page.locator("#quality-kpis")).to_be_visible()
        shot(page, "quality")
        page.get_by_role("link", name="← LLMOps Studio").click()
        expect(page).to_have_url(f"{base}/app/")
