from collections.abc import Iterator

import pytest

from tests.runtime.net.local_server import LocalServer, local_server


@pytest.fixture(scope="module")
def server() -> Iterator[LocalServer]:
    with local_server() as running:
        yield running
