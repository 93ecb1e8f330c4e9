import pytest
from rest_framework.test import APIClient

from builder.accounts.models import AccessToken

pytestmark = pytest.mark.django_db


def create_token(member, name="ci"):
    return member.client.post("/api/tokens/", {"name": name}, format="json").json()


def test_a_token_is_shown_once_and_stored_only_as_a_hash(owner):
    created = create_token(owner)

    assert created["token"].startswith("llm_" + created["prefix"])
    stored = AccessToken.objects.get(pk=created["id"])
    assert created["token"] not in (stored.secret_hash, stored.prefix)
    listed = owner.client.get("/api/tokens/").json()["results"][0]
    assert "token" not in listed and listed["prefix"] == created["prefix"]


def test_a_script_authenticates_with_the_bearer_token_and_use_is_recorded(owner):
    created = create_token(owner)
    script = APIClient()

    response = script.get("/api/me/", HTTP_AUTHORIZATION=f"Bearer {created['token']}")

    assert response.status_code == 200 and response.json()["username"] == owner.user.username
    assert AccessToken.objects.get(pk=created["id"]).last_used_at is not None


def test_a_revoked_token_is_refused(owner):
    created = create_token(owner)
    owner.client.delete(f"/api/tokens/{created['id']}/")

    response = APIClient().get("/api/me/", HTTP_AUTHORIZATION=f"Bearer {created['token']}")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"


def test_a_wrong_secret_with_a_real_prefix_is_refused(owner):
    created = create_token(owner)
    forged = created["token"][:-4] + "AAAA"

    response = APIClient().get("/api/me/", HTTP_AUTHORIZATION=f"Bearer {forged}")

    assert response.status_code == 401


def test_someone_elses_token_cannot_be_revoked(owner, outsider):
    created = create_token(owner)

    response = outsider.client.delete(f"/api/tokens/{created['id']}/")

    assert response.status_code == 404
    assert AccessToken.objects.get(pk=created["id"]).revoked_at is None
