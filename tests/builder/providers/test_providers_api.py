"""A workspace's model providers through the API: kinds as data, add / edit / delete with the key
encrypted and never returned, the base URL checked against the address policy, the connection
test saying what failed (against the local OpenAI stand-in), prices, and isolation."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
from django.core.management import call_command
from django.db import connection

from builder.providers import crypto
from builder.providers.models import Provider
from tests.runtime.support.openai_stand_in import Reply
from tests.support.errors import assert_error_shape
from tests.support.isolation import Call, assert_isolated

pytestmark = pytest.mark.django_db

KEY = "sk-test-0123456789abcdef"


@pytest.fixture
def stand_in(openai_stand_in, settings):
    settings.LLMOPS_HTTP_ALLOWLIST = [urlparse(openai_stand_in.base_url).netloc]
    return openai_stand_in


def base(member) -> str:
    return f"/api/workspaces/{member.workspace.pk}/providers/"


def add(member, stand_in, **body):
    payload = {"name": "team", "kind": "openai_compatible", "settings": {"base_url": stand_in.base_url},
               "api_key": KEY, "models": [{"name": "gpt-test"}]}
    return member.client.post(base(member), {**payload, **body}, format="json")


def test_the_kinds_are_listed_from_data(owner):
    kinds = {k["id"]: k for k in owner.client.get("/api/provider-kinds/").json()["results"]}

    assert {"openai", "azure_openai", "deepseek", "qwen", "moonshot", "zhipu", "mistral", "groq", "openrouter",
            "ollama", "vllm", "openai_compatible"} <= set(kinds)
    assert kinds["azure_openai"]["fields"][0]["name"] == "resource"
    assert kinds["azure_openai"]["auth_header"] == "api-key"
    assert kinds["ollama"]["key_required"] is False


def test_a_provider_is_added_with_its_key_encrypted_and_never_returned(owner, stand_in):
    created = add(owner, stand_in)

    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["key_hint"] == "…cdef" and body["has_key"] is True and body["source"] == "workspace"
    assert KEY not in created.content.decode()
    listed = owner.client.get(base(owner))
    assert KEY not in listed.content.decode()
    names = [(p["name"], p["source"], p["read_only"]) for p in listed.json()["results"]]
    assert names[0] == ("local", "bundled", True) and ("team", "workspace", False) in names
    with connection.cursor() as cursor:
        cursor.execute("SELECT key_encrypted FROM providers_provider")
        (stored,) = cursor.fetchone()
    assert KEY not in stored and crypto.decrypt(stored) == KEY


def test_the_workspace_models_reach_the_editor_picker(owner, stand_in):
    add(owner, stand_in, models=[{"name": "gpt-test"}, {"name": "gpt-mini"}])

    models = owner.client.get(f"/api/workspaces/{owner.workspace.pk}/models/").json()["results"]

    assert {("team", "gpt-test"), ("team", "gpt-mini")} <= {(m["provider"], m["model"]) for m in models}


def test_operator_providers_are_listed_read_only(owner, settings):
    settings.LLMOPS_MODEL_PROVIDERS = [{"kind": "openai_compatible", "name": "corp", "base_url": "https://x.invalid/v1",
                                        "api_key": "sk-operator-secret", "models": ["gpt-4o"]}]

    response = owner.client.get(base(owner))

    corp = next(p for p in response.json()["results"] if p["name"] == "corp")
    assert corp["source"] == "operator" and corp["read_only"] and corp["has_key"]
    assert "sk-operator-secret" not in response.content.decode()
    assert corp["models"][0]["price_source"] == "default" and corp["models"][0]["input_per_million"] == 2.5
    assert_error_shape(owner.client.post(base(owner), {"name": "corp", "kind": "openai"}, format="json"), 400,
                       "provider_name_reserved")


def test_a_private_base_url_is_refused_at_save_unless_the_operator_opened_it(owner, openai_stand_in):
    response = add(owner, openai_stand_in)

    error = assert_error_shape(response, 400, "url_not_allowed")
    assert error["details"]["field"] == "settings.base_url"
    assert not Provider.objects.exists()


@pytest.mark.parametrize("body, code", [
    ({"kind": "nope"}, "provider_invalid"),
    ({"kind": "azure_openai", "settings": {}}, "provider_invalid"),
    ({"kind": "azure_openai", "settings": {"resource": "a/../b?"}}, "provider_invalid"),
    ({"kind": "azure_openai", "settings": {"resource": "evil.example/"}}, "provider_invalid"),
    ({"kind": "openai", "settings": {}, "api_key": ""}, "key_required"),
    ({"name": "Bad Name"}, "provider_name_invalid"),
    ({"name": "local"}, "provider_name_reserved"),
    ({"models": [{"name": ""}]}, "invalid"),
    ({"models": [{"name": "m", "input_per_million": 1}]}, "models_invalid"),
    ({"models": [{"name": "m", "input_per_million": 1, "output_per_million": 2, "currency": "EURO"}]}, "invalid"),
    ({"settings": "x"}, "invalid"),
])
def test_a_bad_field_is_a_400_and_saves_nothing(owner, stand_in, body, code):
    assert_error_shape(add(owner, stand_in, **body), 400, code)
    assert not Provider.objects.exists()


def test_a_second_provider_of_the_same_name_is_a_conflict(owner, stand_in):
    add(owner, stand_in)

    assert_error_shape(add(owner, stand_in), 409, "provider_name_taken")


def test_editing_keeps_the_key_unless_a_new_one_is_given(owner, stand_in):
    provider_id = add(owner, stand_in).json()["id"]
    url = f"{base(owner)}{provider_id}/"

    owner.client.patch(url, {"models": [{"name": "gpt-test", "input_per_million": 1, "output_per_million": 2}]},
                       format="json")
    assert crypto.decrypt(Provider.objects.get().key_encrypted) == KEY
    replaced = owner.client.patch(url, {"api_key": "sk-new-key-99999999"}, format="json").json()
    assert replaced["key_hint"] == "…9999"
    cleared = owner.client.patch(url, {"api_key": ""}, format="json").json()
    assert cleared["has_key"] is False and cleared["models"][0]["price_source"] == "custom"
    assert owner.client.delete(url).status_code == 204
    assert not Provider.objects.exists()


def test_the_connection_test_lists_models_or_says_what_failed(owner, stand_in):
    stand_in.models = ["gpt-test", "gpt-mini", "gpt-big"]
    stand_in.api_key = KEY
    provider_id = add(owner, stand_in).json()["id"]
    test = f"{base(owner)}{provider_id}/test/"

    ok = owner.client.post(test).json()
    assert ok["ok"] is True and ok["models"] == ["gpt-big", "gpt-mini", "gpt-test"] and ok["code"] is None

    stand_in.api_key = "sk-another-key"
    assert owner.client.post(test).json()["code"] == "auth_failed"
    stand_in.api_key = None
    stand_in.models_reply = Reply.error(429, "You exceeded your current quota", code="insufficient_quota")
    assert owner.client.post(test).json()["code"] == "quota_exceeded"
    stand_in.models_reply = Reply.error(429, "slow down")
    assert owner.client.post(test).json()["code"] == "rate_limited"


def test_an_unsaved_form_can_be_tested_and_a_dead_or_blocked_address_is_named(owner, stand_in, settings):
    form = {"name": "draft", "kind": "openai_compatible", "settings": {"base_url": stand_in.base_url}}
    assert owner.client.post(f"{base(owner)}test/", form, format="json").json()["ok"] is True

    dead = {**form, "settings": {"base_url": "http://127.0.0.1:9/v1"}}
    settings.LLMOPS_HTTP_ALLOWLIST = ["127.0.0.1:9"]
    assert owner.client.post(f"{base(owner)}test/", dead, format="json").json()["code"] == "unreachable"
    settings.LLMOPS_HTTP_ALLOWLIST = []
    assert_error_shape(owner.client.post(f"{base(owner)}test/", form, format="json"), 400, "url_not_allowed")


def test_rotating_the_encryption_keys_re_encrypts_every_key(owner, stand_in, settings):
    add(owner, stand_in)
    old = Provider.objects.get().key_encrypted
    from cryptography.fernet import Fernet

    settings.LLMOPS_ENCRYPTION_KEYS = [Fernet.generate_key().decode(), *settings.LLMOPS_ENCRYPTION_KEYS]
    assert crypto.decrypt(old) == KEY  # the old key still decrypts
    call_command("rotate_encryption_keys")

    rotated = Provider.objects.get().key_encrypted
    assert rotated != old
    settings.LLMOPS_ENCRYPTION_KEYS = settings.LLMOPS_ENCRYPTION_KEYS[:1]  # the old key dropped
    assert crypto.decrypt(rotated) == KEY


def test_only_builders_write_and_other_workspaces_get_404(member_factory, stand_in):
    owner = member_factory("owner")
    provider_id = add(owner, stand_in).json()["id"]
    viewer = member_factory("viewer", workspace=owner.workspace)
    assert viewer.client.get(base(viewer)).status_code == 200
    assert_error_shape(add(viewer, stand_in, name="other"), 403, "role_forbidden")
    outsider = member_factory("owner")
    url = f"{base(owner)}{provider_id}/"
    assert_isolated(outsider.client, [Call("GET", url), Call("PATCH", url, {"name": "x"}), Call("DELETE", url),
                                      Call("POST", url + "test/")], watch=[Provider.objects.all()])


def test_a_provider_without_a_model_list_is_tested_with_a_one_token_completion(owner, stand_in):
    provider_id = add(owner, stand_in).json()["id"]
    test = f"{base(owner)}{provider_id}/test/"

    stand_in.models_reply = Reply.error(404, "no such route")
    ok = owner.client.post(test).json()
    stand_in.models_reply = Reply.error(404, "no such route")
    stand_in.script(Reply.error(401, "bad key"))
    refused = owner.client.post(test).json()

    assert ok["ok"] is True and "1-token completion" in ok["message"]
    assert stand_in.chat_requests()[0]["max_tokens"] == 1 and stand_in.chat_requests()[0]["model"] == "gpt-test"
    assert refused["ok"] is False and refused["code"] == "auth_failed"
