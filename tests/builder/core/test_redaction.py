"""What the platform stores and logs has its secrets masked — and ordinary text left alone."""

import pytest

from builder.core.redaction import REDACTED, Redactor, redact_text


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("Authorization: Bearer abc.def-ghi_jkl", "abc.def-ghi_jkl"),
        ("authorization=Basic dXNlcjpwYXNz", "dXNlcjpwYXNz"),
        ("use Bearer 0123456789abcdefXYZ please", "0123456789abcdefXYZ"),
        ("OPENAI_API_KEY=sk-proj-AbCdEf0123456789xyz", "AbCdEf0123456789xyz"),
        ("key lsk_ab12cd34_ZZZZyyyyXXXXwwww", "ZZZZyyyyXXXXwwww"),
        ("token llm_1a2b3c4d_supersecretvalue", "supersecretvalue"),
        ('{"password": "p4ss w0rd"}', "p4ss"),
        ("client_secret: s3cr3t-value", "s3cr3t-value"),
        ("https://example.com/cb?access_token=ya29.a0AfH6SMB&x=1", "ya29.a0AfH6SMB"),
        ("postgresql://app:hunter2pass@db:5432/x", "hunter2pass"),
        ("github ghp_abcdefghijklmnopqrstuvwxyz012345", "abcdefghijklmnopqrstuvwxyz012345"),
        ("aws AKIAIOSFODNN7EXAMPLE here", "AKIAIOSFODNN7EXAMPLE"),
        ("jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
         "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"),
        ("-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\n-----END RSA PRIVATE KEY-----", "MIIEpAIBAAKCAQEA"),
    ],
)
def test_credentials_in_text_are_masked_where_they_stand(text, secret):
    cleaned = redact_text(text)

    assert secret not in cleaned and REDACTED in cleaned


@pytest.mark.parametrize(
    "text",
    [
        "Each token is about four characters; max_tokens limits the answer.",
        "Basic settings are on the first page. The bearer of this letter is welcome.",
        "Our secret is good service.",
        "Reset your password from the account page.",
        "See https://example.com/docs/api-keys for how keys work.",
        "The task-management-system-for-teams handles it.",
    ],
)
def test_ordinary_prose_is_left_as_it_was(text):
    assert redact_text(text) == text


def test_values_under_credential_names_are_replaced_whole_wherever_they_are_nested():
    redact = Redactor()
    data = {
        "query": "hello",
        "api_key": "anything at all",
        "headers": {"Authorization": "whatever", "X-Request-Id": "r-1"},
        "config": [{"db_password": "plain", "tokens_in": 12, "max_tokens": 5, "token": 42}],
        "enabled": True,
        "secret": "",
    }

    assert redact(data) == {
        "query": "hello",
        "api_key": REDACTED,
        "headers": {"Authorization": REDACTED, "X-Request-Id": "r-1"},
        "config": [{"db_password": REDACTED, "tokens_in": 12, "max_tokens": 5, "token": REDACTED}],
        "enabled": True,
        "secret": "",
    }
    assert data["api_key"] == "anything at all"  # the caller's data is not changed in place


def test_known_secret_values_are_masked_in_any_shape():
    redact = Redactor(known=["provider-key-7f3a9c"])

    assert redact({"answer": "the key is provider-key-7f3a9c."}) == {"answer": f"the key is {REDACTED}."}


def test_data_without_secrets_comes_back_as_the_same_object():
    redact = Redactor(known=["provider-key-7f3a9c"])
    data = {"answer": "Paris.", "usage": {"tokens_in": 3}, "citations": [{"title": "Guide", "score": 0.9}]}

    assert redact(data) is data
