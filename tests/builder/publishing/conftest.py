import time

import pytest

from tests.runtime.support.openai_stand_in import openai_stand_in, stand_in_server  # noqa: F401


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
