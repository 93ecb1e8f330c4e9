from collections.abc import Iterator

import pytest

from runtime.net.http11 import default_ssl_context
from tests.runtime.net.certificates import CertificateAuthority, ServerCertificate
from tests.runtime.net.local_server import LocalServer, local_server
from tests.runtime.net.scripted_server import HOST, Scheme


@pytest.fixture(scope="module")
def server() -> Iterator[LocalServer]:
    with local_server() as running:
        yield running


@pytest.fixture(scope="session")
def authority(tmp_path_factory: pytest.TempPathFactory) -> CertificateAuthority:
    """The test CA that clients are told to trust."""
    return CertificateAuthority("LLMOps Studio test CA", tmp_path_factory.mktemp("trusted-ca"))


@pytest.fixture(scope="session")
def stranger(tmp_path_factory: pytest.TempPathFactory) -> CertificateAuthority:
    """Another CA, trusted by no client."""
    return CertificateAuthority("Nobody's CA", tmp_path_factory.mktemp("stranger-ca"))


@pytest.fixture(scope="session")
def model_certificate(authority: CertificateAuthority) -> ServerCertificate:
    """The right certificate for the scripted server's host name, from the trusted CA."""
    return authority.issue(HOST)


@pytest.fixture
def fresh_default_ssl_context() -> Iterator[None]:
    """The process's default TLS context built anew (after the test changed the environment)
    before and after the test."""
    default_ssl_context.cache_clear()
    yield
    default_ssl_context.cache_clear()


@pytest.fixture(params=["http", "https"])
def scheme(
    request: pytest.FixtureRequest, authority: CertificateAuthority, model_certificate: ServerCertificate
) -> Scheme:
    """Each test that takes it runs over plain HTTP and over verified TLS."""
    if request.param == "http":
        return Scheme("http", None, None)
    return Scheme("https", model_certificate.server_context(), authority.client_context())
