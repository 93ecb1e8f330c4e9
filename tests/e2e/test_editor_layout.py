"""Room for the canvas at 1280x720: in the editor the app nav folds to icons, the palette to a
rail, and one panel at a time opens on the right (node settings, or the test run), resizable by a
handle that remembers its width. Web server against the test database; no model is called."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from builder.flows.interchange import import_report
from tests.e2e.test_editor import center, create_app, open_editor, select_node, wait_viewport_still
from tests.e2e.test_platform_shell import sign_in
from tests.factories import PASSWORD
from tests.support.members import make_member
from tests.support.processes import Backends, web_server

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser, pytest.mark.slow]

SCREENSHOTS = Path(settings.DATA_DIR) / "screenshots"
VIEWPORT = {"width": 1280, "height": 720}
MIN_CANVAS_SHARE = 0.6
SUPPORT_TRIAGE = Path(settings.BASE_DIR) / "fixtures" / "apps" / "support_triage.yaml"


def support_triage_app(member) -> int:
    """The demo's support triage app (six nodes, three of them model nodes) in the member's workspace."""
    report = import_report(content=SUPPORT_TRIAGE.read_text(), filename=SUPPORT_TRIAGE.name,
                           workspace_id=member.workspace.pk)
    return create_app(member, report.name, report.graph)


def width_of(locator) -> float:
    box = locator.bounding_box()
    assert box is not None, f"{locator} is not rendered"
    return box["width"]


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"editor-layout-{name}.png"))


def test_the_canvas_keeps_most_of_the_width_with_the_node_panel_or_the_run_panel_open(page):
    member = make_member()
    app_id = support_triage_app(member)
    page.set_viewport_size(VIEWPORT)

    with web_server(Backends()) as base:
        sign_in(page, base, member.user.username, PASSWORD)
        open_editor(page, base, app_id)
        canvas = page.get_by_test_id("canvas")
        node_panel = page.get_by_test_id("node-panel")
        run_panel = page.get_by_role("complementary", name="Test run")

        panel = select_node(page, "classify")
        expect(panel.get_by_label("Node title")).to_have_value("What is it about?")
        page.get_by_role("button", name="Fit view", exact=True).click()
        assert width_of(canvas) >= MIN_CANVAS_SHARE * VIEWPORT["width"], width_of(canvas)
        shot(page, "node-panel")

        # Run takes the node panel's place instead of opening beside it.
        page.get_by_role("button", name="Run", exact=True).click()
        expect(run_panel).to_be_visible()
        expect(node_panel).to_have_count(0)
        assert width_of(canvas) >= MIN_CANVAS_SHARE * VIEWPORT["width"], width_of(canvas)
        shot(page, "run-panel")

        # A click on a node brings its settings back in front; Run brings the test run back as it was.
        run_panel.locator("#run-input-message").fill("My invoice is wrong")
        select_node(page, "billing_reply")
        expect(run_panel).to_have_count(0)
        assert width_of(canvas) >= MIN_CANVAS_SHARE * VIEWPORT["width"], width_of(canvas)
        page.get_by_role("button", name="Run", exact=True).click()
        expect(run_panel.locator("#run-input-message")).to_have_value("My invoice is wrong")
        expect(node_panel).to_have_count(0)

        # The README's picture: the Run button closes the run panel; the classifier's settings
        # open beside the graph, zoomed in around it.
        page.get_by_role("button", name="Run", exact=True).click()
        expect(run_panel).to_have_count(0)
        select_node(page, "classify")
        page.get_by_role("button", name="Fit view", exact=True).click()
        wait_viewport_still(page)
        page.mouse.move(*center(page.get_by_test_id("node-classify")))
        page.keyboard.down("Control")  # the wheel pans the canvas; with Ctrl it zooms
        page.mouse.wheel(0, -250)
        page.keyboard.up("Control")
        wait_viewport_still(page)
        shot(page, "readme")


def test_a_panel_resized_by_its_handle_keeps_its_width_after_a_reload(page):
    member = make_member()
    app_id = support_triage_app(member)
    page.set_viewport_size(VIEWPORT)

    with web_server(Backends()) as base:
        sign_in(page, base, member.user.username, PASSWORD)
        open_editor(page, base, app_id)
        panel = select_node(page, "classify")
        before = width_of(panel)

        handle = page.get_by_role("separator", name="Resize the node panel")
        box = handle.bounding_box()
        assert box is not None
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        page.mouse.move(x, y)
        page.mouse.down()
        page.mouse.move(x - 60, y, steps=4)
        page.mouse.move(x - 100, y, steps=4)
        page.mouse.up()
        expect(handle).to_have_attribute("aria-valuenow", str(round(before + 100)))
        widened = width_of(panel)
        assert abs(widened - (before + 100)) <= 1, (before, widened)

        page.reload()
        expect(page.get_by_test_id("node-classify")).to_be_visible(timeout=15_000)
        panel = select_node(page, "classify")
        assert abs(width_of(panel) - widened) <= 1, (widened, width_of(panel))
