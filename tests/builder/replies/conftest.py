"""Fixtures of the reply tests: a published app's replies, and a real server (the publishing
tests' one, its embedding model warmed at start) whose model is the local stand-in."""

from __future__ import annotations

import pytest

from tests.builder.publishing.conftest import _runs_settle, _standin_configured  # noqa: F401 - fixtures
from tests.builder.publishing.support import gateway_server
from tests.runtime.support.openai_stand_in import openai_stand_in, stand_in_server  # noqa: F401 - fixtures


@pytest.fixture(scope="module")
def server(django_db_setup, django_db_blocker, stand_in_server):  # noqa: F811
    """A real uvicorn serving the platform, one per test module; it loads the embedding model as it
    starts, so that the first matched question does not wait for it."""
    with django_db_blocker.unblock(), gateway_server(stand_in_server, LLMOPS_WARM_EMBEDDINGS="1") as base:
        yield base
