"""Schema fuzzing of the REST API: schemathesis generates requests from /api/schema/ (drf-spectacular)
for every operation, valid ones and invalid ones, and sends them through the Django app as a signed-in
owner (an access token) of a workspace with an app, a knowledge base, an API key and a second member.
No operation may answer 500, and every 4xx answers the one error shape.

A fixed seed and a few examples per operation and mode keep it reproducible and within minutes."""

from __future__ import annotations

import json

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from builder.accounts.models import Role
from builder.accounts.services import access_token_create
from builder.flows.services import app_create
from builder.knowledge.services import knowledge_base_create
from builder.publishing.services import api_key_create, app_publish
from tests.builder.flows.graphs import greeting_graph
from tests.support.members import make_member

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

SEED = 20261204
EXAMPLES = 6
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None, phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck))


def problem_with(status: int, content: bytes) -> str | None:
    """What is wrong with an answer, or None."""
    if status >= 500:
        return f"answered {status}"
    if status < 400:
        return None
    try:
        body = json.loads(content)
    except ValueError:
        return f"answered {status} with a body that is not JSON: {content[:200]!r}"
    error = body.get("error") if isinstance(body, dict) else None
    if not (isinstance(error, dict) and set(body) == {"error"} and set(error) == {"code", "message", "details"}
            and isinstance(error["code"], str) and isinstance(error["message"], str)):
        return f"answered {status} outside the error shape: {body!r:.300}"
    return None


def fixed_ids(owner) -> dict[str, object]:
    """Path parameters that name real objects of the owner's workspace, so that requests get past
    the 404 of an unknown id. The token and the membership are spares: deleting them changes nothing
    for the fuzzing itself."""
    app = app_create(workspace=owner.workspace, name="Helper", user=owner.user, graph=greeting_graph())
    app_publish(app=app, user=owner.user)
    kb = knowledge_base_create(workspace=owner.workspace, name="Handbook", created_by=owner.user)
    key, _ = api_key_create(workspace=owner.workspace, name="fuzz", user=owner.user)
    spare_token, _ = access_token_create(user=owner.user, name="spare")
    other = make_member(Role.VIEWER, workspace=owner.workspace)
    return {"workspace_id": owner.workspace.pk, "app_id": app.pk, "kb_id": kb.pk, "key_id": key.pk,
            "token_id": spare_token.pk, "membership_id": other.membership.pk, "name": "production", "number": 1}


def test_no_api_operation_answers_500_and_every_refusal_has_the_error_shape(owner):
    auth = {"Authorization": f"Bearer {access_token_create(user=owner.user, name='fuzz')[1]}"}
    ids = fixed_ids(owner)
    schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application(), headers=auth)
    operations = [result.ok() for result in schema.get_all_operations()]
    operations.sort(key=lambda op: op.method.upper() == "DELETE")  # what deletes the app or its KB goes last
    failures: list[str] = []

    for operation in operations:
        names = {p.name for p in operation.path_parameters}
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            strategy = operation.as_strategy(generation_mode=mode, headers=auth,
                                             path_parameters={k: v for k, v in ids.items() if k in names})

            @seed(SEED)
            @FUZZ
            @given(case=strategy)
            def check(case) -> None:
                response = case.call(headers=auth)
                problem = problem_with(response.status_code, response.content)
                assert problem is None, f"{case.method} {case.formatted_path}: {problem}"

            try:
                check()
            except AssertionError as exc:  # every operation is fuzzed; the failures are listed together
                failures.append(f"{operation.label} [{mode.value}]: {str(exc).splitlines()[0]}")
            except Unsatisfiable:
                assert mode is GenerationMode.NEGATIVE, operation.label  # nothing in it that can be made invalid

    assert len(operations) > 60, "the fuzzing reaches the whole API"
    assert not failures, "\n".join(failures)
