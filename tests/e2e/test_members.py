"""Members in a real browser at 1280×720: an owner invites an annotator by e-mail on the Members
page; the link, opened in a fresh browser, lets the annotator choose a username and a password, and
lands them in the Annotation area with nothing else in the nav."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from builder.accounts.models import Membership, Role
from tests.e2e.test_platform_shell import sign_in
from tests.factories import PASSWORD
from tests.support.members import make_member
from tests.support.processes import Backends, web_server
from tests.support.screens import whole_page

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser, pytest.mark.slow]

# Mail stays in the server's memory: the owner copies the link from the page, as without a mail server.
SCREENSHOTS = Path(settings.DATA_DIR) / "screenshots"
MAIL = {"DJANGO_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}


def test_an_owner_invites_an_annotator_who_lands_in_annotation_only(browser, page):
    owner = make_member(Role.OWNER)
    page.set_viewport_size({"width": 1280, "height": 720})

    with web_server(Backends(), **MAIL) as base:
        sign_in(page, base, owner.user.username, PASSWORD)
        page.get_by_role("link", name="Members").click()
        expect(page.get_by_role("heading", level=1, name="Members")).to_be_visible()
        expect(page.get_by_test_id(f"member-{owner.user.username}")).to_contain_text("you")

        page.get_by_label("E-mail or username").fill("ann@example.test")
        page.get_by_label("Role", exact=True).select_option("annotator")
        page.get_by_role("button", name="Invite", exact=True).click()
        link_box = page.get_by_label("Invitation link")
        expect(link_box).to_be_visible()
        link = link_box.input_value()
        assert "/accounts/invite/" in link
        expect(page.get_by_test_id("invitation-ann@example.test")).to_be_visible()
        whole_page(page, SCREENSHOTS / "members-invited.png")

        context = browser.new_context(viewport={"width": 1280, "height": 720})
        try:
            newcomer = context.new_page()
            newcomer.goto(link)
            expect(newcomer.get_by_role("heading", name=f"Join {owner.workspace.name}")).to_be_visible()
            newcomer.get_by_label("Username").fill("ann")
            newcomer.get_by_label("Password", exact=True).fill("a long and unusual passphrase 42")
            newcomer.get_by_label("Password again").fill("a long and unusual passphrase 42")
            newcomer.screenshot(path=str(SCREENSHOTS / "members-join.png"))
            newcomer.get_by_role("button", name="Join the workspace").click()

            expect(newcomer).to_have_url(f"{base}/app/annotation")
            nav = newcomer.get_by_role("navigation", name="Main")
            expect(nav.get_by_role("link")).to_have_text(["Annotation"])
            expect(newcomer.get_by_role("link", name="Members")).to_have_count(0)
            expect(newcomer.get_by_test_id("workspace-name")).to_have_text(owner.workspace.name)
            newcomer.screenshot(path=str(SCREENSHOTS / "members-annotator-landed.png"))
        finally:
            context.close()

    assert Membership.objects.get(workspace=owner.workspace, user__username="ann").role == Role.ANNOTATOR
