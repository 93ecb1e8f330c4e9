from collections.abc import Iterator

import pytest

from tests.runtime.net.local_server import LocalServer, local_server
from tests.runtime.support.openai_stand_in import openai_stand_in, stand_in_server  # noqa: F401


@pytest.fixture(scope="module")
def server() -> Iterator[LocalServer]:
    with local_server() as running:
        yield running
