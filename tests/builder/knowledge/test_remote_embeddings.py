"""Knowledge bases on an OpenAI-compatible embedding model: the call goes through the SSRF-safe
transport, and the operator's key goes only to the operator's endpoint (a builder cannot point a
knowledge base at their own server to collect it)."""

from urllib.parse import urlparse

import pytest

from builder.knowledge.embedders import embedder_for
from builder.knowledge.errors import EmbeddingEndpointRefused
from builder.knowledge.services import knowledge_base_create

pytestmark = pytest.mark.django_db

OPERATOR_KEY = "sk-operator-embedding-key-0123456789"


@pytest.fixture
def stand_in(openai_stand_in, settings):
    openai_stand_in.embedding_dims = 384
    settings.LLMOPS_HTTP_ALLOWLIST = [urlparse(openai_stand_in.base_url).netloc]
    settings.LLMOPS_EMBEDDING_API_KEY = OPERATOR_KEY
    yield openai_stand_in
    openai_stand_in.embedding_dims = 8


def remote_kb(owner, base_url: str = ""):
    return knowledge_base_create(
        workspace=owner.workspace, name="Remote", created_by=owner.user, embedding_provider="openai_compatible",
        embedding_model="text-embedding-3-small", embedding_dimensions=384, embedding_base_url=base_url,
    )


def test_the_operators_endpoint_embeds_with_the_operators_key(owner, stand_in, settings):
    settings.LLMOPS_EMBEDDING_BASE_URL = stand_in.base_url

    vectors = embedder_for(remote_kb(owner))(["Where is the office?", "Opening hours"])

    assert len(vectors) == 2 and len(vectors[0]) == 384
    assert stand_in.requests[-1].headers["authorization"] == f"Bearer {OPERATOR_KEY}"


def test_a_base_url_typed_by_a_builder_never_receives_the_operators_key(owner, stand_in, settings):
    settings.LLMOPS_EMBEDDING_BASE_URL = "https://embeddings.example.com/v1"

    embedder_for(remote_kb(owner, base_url=stand_in.base_url))(["hello"])

    assert OPERATOR_KEY not in stand_in.requests[-1].headers.get("authorization", "")


def test_a_private_address_is_refused_unless_the_operator_allows_it(owner, stand_in, settings):
    kb = remote_kb(owner, base_url=stand_in.base_url)  # allowlisted when it was saved
    settings.LLMOPS_HTTP_ALLOWLIST = []

    with pytest.raises(EmbeddingEndpointRefused, match=r"address policy: address 127\.0\.0\.1 is loopback"):
        embedder_for(kb)(["hello"])

    assert stand_in.requests == []
