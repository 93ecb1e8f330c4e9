from __future__ import annotations

import pytest

from tests.builder.telemetry.collector import start_collector


@pytest.fixture
def collector(settings):
    """The local OTLP receiver, its address opened by the operator's allowlist (as the stand-in
    model server's is)."""
    found, server = start_collector()
    settings.LLMOPS_HTTP_ALLOWLIST = [found.netloc]
    yield found
    server.shutdown()
    server.server_close()
