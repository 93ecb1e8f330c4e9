import pytest

from runtime.net import AddressPolicy, SafeHttpClient
from runtime.tools import ToolError, ToolRegistry
from runtime.tools.fetch_web_page import fetch_web_page_tool
from runtime.tools.html_text import html_to_text
from tests.runtime.net.local_server import LocalServer


def registry_for(server: LocalServer | None) -> ToolRegistry:
    hosts = [server.host_port] if server else []
    return ToolRegistry([fetch_web_page_tool(SafeHttpClient(policy=AddressPolicy.from_lists(hosts)))])


async def test_html_page_becomes_readable_text(server: LocalServer) -> None:
    result = await registry_for(server).call("fetch_web_page", {"url": server.url("/html")})
    assert result["title"] == "Field notes & more"
    assert result["text"] == (
        "Home\n# Otters\nOtters are semi-aquatic mammals. They hold hands while sleeping.\n"
        "- Sea otter\n- River otter\nWeight | 45 kg\nLine one\nLine two"
    )
    assert "do not show" not in result["text"] and "color: red" not in result["text"]
    assert (result["status"], result["truncated"]) == (200, False)


async def test_text_is_cut_at_max_chars(server: LocalServer) -> None:
    result = await registry_for(server).call("fetch_web_page", {"url": server.url("/html"), "max_chars": 100})
    assert (len(result["text"]), result["truncated"]) == (100, True)


async def test_internal_addresses_are_refused_with_the_client_code(server: LocalServer) -> None:
    hits_before = len(server.hits)
    with pytest.raises(ToolError) as caught:
        await registry_for(None).call("fetch_web_page", {"url": server.url("/html")})
    assert caught.value.code == "ssrf_blocked"
    assert len(server.hits) == hits_before


@pytest.mark.parametrize(
    ("path", "code"), [("/status?code=404", "http_error"), ("/binary", "unsupported_content")]
)
async def test_errors_and_unreadable_content_have_codes(server: LocalServer, path: str, code: str) -> None:
    with pytest.raises(ToolError) as caught:
        await registry_for(server).call("fetch_web_page", {"url": server.url(path)})
    assert caught.value.code == code


async def test_json_is_returned_as_text(server: LocalServer) -> None:
    result = await registry_for(server).call("fetch_web_page", {"url": server.url("/json")})
    assert '"price": 12' in result["text"]


def test_preformatted_text_keeps_its_layout() -> None:
    page = html_to_text("<p>Code:</p><pre>x = 1\n    y = 2</pre><p>a &lt;b&gt;</p>")
    assert page.text == "Code:\nx = 1\n    y = 2\na <b>"
