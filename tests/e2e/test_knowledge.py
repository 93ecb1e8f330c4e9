"""A user creates a knowledge base in the browser, uploads handbook pages (file picker and drag and
drop), watches them reach "indexed" live, opens the chunks of one and runs a retrieval test in the
three modes side by side."""

from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.e2e.test_platform_shell import sign_in
from tests.factories import PASSWORD
from tests.support.members import make_member
from tests.support.processes import Backends, celery_worker, web_server
from tests.support.screens import whole_page

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser, pytest.mark.slow]

SCREENSHOTS = Path(settings.DATA_DIR) / "screenshots"
HANDBOOK = Path(settings.BASE_DIR) / "fixtures" / "knowledge" / "handbook"


def test_upload_watch_indexing_and_test_retrieval(page, tmp_path):
    member = make_member()
    backends = Backends()
    env = {"LLMOPS_KNOWLEDGE_STORAGE_ROOT": str(tmp_path / "files")}
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1440, "height": 900})

    with web_server(backends, **env) as base, celery_worker(backends, **env):
        sign_in(page, base, member.user.username, PASSWORD)
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Knowledge").click()
        page.get_by_role("button", name="New knowledge base").click()
        page.get_by_label("Name").fill("Kestrel handbook")
        page.get_by_label("Description").fill("Leave, expenses, IT and offices")
        page.get_by_role("button", name="Create knowledge base").click()
        expect(page.get_by_role("heading", level=1, name="Kestrel handbook")).to_be_visible()

        page.get_by_label("Choose files to upload").set_input_files(
            [str(HANDBOOK / "02-leave-and-holidays.md"), str(HANDBOOK / "05-offices-and-facilities.pdf")]
        )
        rows = page.get_by_test_id("document-row")
        expect(rows).to_have_count(2)
        dropped = page.evaluate_handle(
            """(text) => { const transfer = new DataTransfer();
                transfer.items.add(new File([text], 'dropped-note.txt', {type: 'text/plain'}));
                return transfer; }""",
            "Dropped note: the travel desk books every flight in economy class.",
        )
        page.get_by_test_id("dropzone").dispatch_event("drop", {"dataTransfer": dropped})
        expect(rows).to_have_count(3)
        for name in ("02-leave-and-holidays.md", "05-offices-and-facilities.pdf", "dropped-note.txt"):
            row = page.locator(f"[data-testid=document-row][data-name='{name}']")
            expect(row).to_have_attribute("data-state", "indexed", timeout=120_000)
            expect(row.get_by_test_id("document-state")).to_have_text("Indexed")
        page.screenshot(path=str(SCREENSHOTS / "knowledge-documents.png"))

        page.locator("[data-testid=document-row][data-name='05-offices-and-facilities.pdf']").get_by_role(
            "button", name="Chunks").click()
        drawer = page.get_by_role("complementary", name="Chunks of 05-offices-and-facilities.pdf")
        expect(drawer).to_contain_text("page 2")
        page.keyboard.press("Escape")

        page.get_by_role("tab", name="Retrieval test").click()
        page.get_by_label("Query").fill("How much is the bicycle allowance?")
        page.get_by_role("button", name="Test retrieval").click()
        for mode in ("vector", "full_text", "hybrid"):
            column = page.get_by_test_id(f"mode-{mode}")
            expect(column.get_by_test_id("hit").first).to_contain_text("bicycle allowance of 25 EUR", timeout=60_000)
            expect(column.get_by_test_id("hit-source").first).to_contain_text("05-offices-and-facilities.pdf")
        expect(page.get_by_test_id("mode-hybrid").locator("mark").first).to_be_visible()
        whole_page(page, SCREENSHOTS / "knowledge-retrieval-test.png")
