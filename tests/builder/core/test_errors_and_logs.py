import logging

import pytest
from django.test import override_settings

from builder.core.logging import RedactSecretsFilter, redact

pytestmark = pytest.mark.django_db


def test_malformed_json_gets_the_platform_error_shape(owner):
    response = owner.client.post(
        "/api/workspaces/", data="{not json", content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "malformed_request"


def test_validation_errors_name_the_field(owner):
    response = owner.client.post(f"/api/workspaces/{owner.workspace.pk}/members/",
                                 {"email": "not an address", "role": "boss"}, format="json")

    error = response.json()["error"]
    assert response.status_code == 400 and error["code"] == "invalid"
    assert set(error["details"]) == {"email", "role"}


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1024)
def test_an_oversized_request_is_refused_with_413(owner):
    response = owner.client.post("/api/workspaces/", {"name": "x" * 5000}, format="json")

    assert response.status_code == 413
    assert response.json()["error"]["code"] == "request_too_large"


@pytest.mark.parametrize(
    ("line", "secret"),
    [
        ("calling model with api_key=sk-live-abcdefghijklmnop", "sk-live-abcdefghijklmnop"),
        ("Authorization: Bearer llm_1a2b3c4d_supersecretvalue", "supersecretvalue"),
        ("db url postgresql://app:hunter2pass@db:5432/x", "hunter2pass"),
        ('payload {"password": "p4ssw0rd!"}', "p4ssw0rd!"),
    ],
)
def test_secrets_are_masked_in_log_records(line, secret):
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "%s", (line,), None)

    RedactSecretsFilter().filter(record)

    assert secret not in record.getMessage() and "[redacted]" in record.getMessage()
    assert secret not in redact(line)
