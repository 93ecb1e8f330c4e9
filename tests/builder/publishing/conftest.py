import time

import pytest

from tests.builder.publishing.support import gateway_server, standin_configured
from tests.runtime.support.openai_stand_in import openai_stand_in, stand_in_server  # noqa: F401


@pytest.fixture(scope="module")
def server(django_db_setup, django_db_blocker, stand_in_server):  # noqa: F811
    """A real uvicorn serving the platform, one per test module, its model the local stand-in."""
    with django_db_blocker.unblock(), gateway_server(stand_in_server) as base:
        yield base


@pytest.fixture(autouse=True)
def _runs_settle(request):
    """After a test that called a server, wait until the server has written its runs: the
    database flush between tests must not race the server's batch writer."""
    yield
    if "server" not in request.fixturenames:
        return
    from builder.runs.models import Run

    last, deadline = -1, time.monotonic() + 5
    while (count := Run.objects.count()) != last and time.monotonic() < deadline:
        last = count
        time.sleep(0.15)


@pytest.fixture(autouse=True)
def _standin_configured(settings):
    """Apps here call the servers' 'standin' provider: this process, which publishes them, has it too."""
    standin_configured(settings)
