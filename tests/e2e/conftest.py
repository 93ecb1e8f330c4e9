"""Browser tests: Debian's Chromium driven by Playwright (no browser download)."""

import os
import shutil

import pytest

# The local OpenAI stand-in (a model server on 127.0.0.1) for the browser tests that call a model.
from tests.runtime.support.openai_stand_in import openai_stand_in, stand_in_server  # noqa: F401

# Playwright's sync API keeps an event loop running in the test's thread; the test's own ORM calls
# (creating users) are still plain synchronous code. The servers under test never get this flag.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_FLAGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@pytest.fixture(scope="module")
def browser():
    """One Chromium per test module. Playwright's sync API keeps an event loop running while it
    is open, so it must not outlive the browser tests (they run last, see tests/conftest.py)."""
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        pytest.fail("Chromium is not installed: `make test` installs Debian's chromium package")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    yield page
    context.close()
