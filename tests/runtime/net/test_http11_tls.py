"""TLS in the outbound clients: a certificate from a trusted authority for the right host name
is accepted; one for another host name, or from an authority nobody trusts, is refused with
``tls_error`` before any byte of the request leaves; operators trust their own authority with
``SSL_CERT_FILE``. The server is real (a local TLS socket), the certificates are made by a
test CA at test time."""

from __future__ import annotations

import pytest

from runtime.net import NetError, SafeHttpClient
from runtime.net.http11 import Http11Pool, default_ssl_context
from tests.runtime.net.certificates import CertificateAuthority, ServerCertificate
from tests.runtime.net.scripted_server import HOST, ScriptedServer, answer_every_request


class TestTheLeanClient:
    async def test_a_certificate_for_the_host_from_the_trusted_authority_is_accepted(
        self, authority: CertificateAuthority, model_certificate: ServerCertificate
    ) -> None:
        with ScriptedServer(answer_every_request, tls=model_certificate.server_context()) as server:
            pool = Http11Pool(guard=server.guard(), ssl_context=authority.client_context())
            answers = []
            for body in (b"one", b"two"):
                response = await pool.request(server.endpoint(), "POST", "chat/completions", b"", body, timeout=5)
                answers.append((response.status, await response.read()))
            await pool.aclose()
        assert answers == [(200, b"ok:one"), (200, b"ok:two")]
        assert server.connections == 1  # the TLS connection was kept alive and reused
        assert server.requests[0].headers["host"] == f"{HOST}:{server.port}"

    async def test_a_certificate_for_another_host_name_is_refused_before_sending(
        self, authority: CertificateAuthority
    ) -> None:
        elsewhere = authority.issue("elsewhere.test")
        with ScriptedServer(answer_every_request, tls=elsewhere.server_context()) as server:
            pool = Http11Pool(guard=server.guard(), ssl_context=authority.client_context())
            with pytest.raises(NetError) as caught:
                await pool.request(server.endpoint(), "POST", "chat/completions", b"", b"secret prompt", timeout=5)
            await pool.aclose()
        assert caught.value.code == "tls_error"
        assert caught.value.message.startswith(f"TLS certificate verification failed for {HOST}:{server.port}: ")
        assert f"Hostname mismatch, certificate is not valid for '{HOST}'" in caught.value.message
        assert not caught.value.retryable
        assert server.requests == []

    async def test_a_certificate_from_an_untrusted_authority_is_refused(
        self, authority: CertificateAuthority, stranger: CertificateAuthority
    ) -> None:
        impostor = stranger.issue(HOST)
        with ScriptedServer(answer_every_request, tls=impostor.server_context()) as server:
            pool = Http11Pool(guard=server.guard(), ssl_context=authority.client_context())
            with pytest.raises(NetError) as caught:
                await pool.request(server.endpoint(), "POST", "chat/completions", b"", b"secret prompt", timeout=5)
            await pool.aclose()
        assert caught.value.code == "tls_error"
        assert caught.value.message.startswith(f"TLS certificate verification failed for {HOST}:{server.port}: ")
        assert "unable to get local issuer certificate" in caught.value.message
        assert server.requests == []

    @pytest.mark.usefixtures("fresh_default_ssl_context")
    async def test_by_default_only_public_authorities_or_the_operators_bundle_are_trusted(
        self, authority: CertificateAuthority, model_certificate: ServerCertificate, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.delenv("SSL_CERT_FILE", raising=False)
        monkeypatch.delenv("SSL_CERT_DIR", raising=False)
        with ScriptedServer(answer_every_request, tls=model_certificate.server_context()) as server:
            default = Http11Pool(guard=server.guard())
            with pytest.raises(NetError) as caught:
                await default.request(server.endpoint(), "POST", "x", b"", b"refused", timeout=5)
            await default.aclose()

            monkeypatch.setenv("SSL_CERT_FILE", str(authority.ca_file))
            default_ssl_context.cache_clear()  # as in a process started with the variable set
            operator = Http11Pool(guard=server.guard())
            response = await operator.request(server.endpoint(), "POST", "x", b"", b"accepted", timeout=5)
            answer = await response.read()
            await operator.aclose()
        assert caught.value.code == "tls_error"
        assert (response.status, answer) == (200, b"ok:accepted")
        assert [request.body for request in server.requests] == [b"accepted"]


class TestSafeHttpClient:
    """The ``httpx``-based client reports the same ``tls_error`` (it said ``connect_error``)."""

    async def test_a_certificate_from_the_trusted_authority_is_accepted(
        self, authority: CertificateAuthority, model_certificate: ServerCertificate
    ) -> None:
        with ScriptedServer(answer_every_request, tls=model_certificate.server_context()) as server:
            async with _client_for(server, authority) as client:
                response = await client.request("POST", server.url("/echo"), content=b"hello")
        assert (response.status, response.body) == (200, b"ok:hello")

    async def test_a_certificate_for_another_host_name_is_refused(self, authority: CertificateAuthority) -> None:
        elsewhere = authority.issue("elsewhere.test")
        with ScriptedServer(answer_every_request, tls=elsewhere.server_context()) as server:
            async with _client_for(server, authority) as client:
                with pytest.raises(NetError) as caught:
                    await client.request("POST", server.url("/echo"), content=b"secret")
        assert caught.value.code == "tls_error"
        assert caught.value.message.startswith(f"TLS certificate verification failed for {HOST}: ")
        assert "Hostname mismatch" in caught.value.message
        assert server.requests == []


def _client_for(server: ScriptedServer, authority: CertificateAuthority) -> SafeHttpClient:
    guard = server.guard()
    return SafeHttpClient(policy=guard.policy, resolver=guard.resolver, verify=authority.client_context())
