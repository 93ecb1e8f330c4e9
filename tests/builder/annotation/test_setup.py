"""Score configs and queues as builders set them up; who may do what; other workspaces see nothing."""

from __future__ import annotations

import pytest

from builder.annotation import services
from tests.builder.annotation.support import make_app, make_configs, make_queue, make_run

pytestmark = pytest.mark.django_db


def api(member, tail=""):
    return f"/api/workspaces/{member.workspace.pk}/annotation/{tail}"


@pytest.mark.parametrize(("body", "field"), [
    ({"name": "c", "kind": "categorical", "options": ["only one"]}, "options"),
    ({"name": "c", "kind": "categorical", "options": ["a", "a"]}, "options"),
    ({"name": "n", "kind": "numeric", "min": 5, "max": 1}, "max"),
    ({"name": "n", "kind": "numeric", "min": 1, "max": 5, "step": 0}, "step"),
])
def test_score_configs_check_their_scale(owner, body, field):
    answer = owner.client.post(api(owner, "score-configs/"), body, format="json")
    assert answer.status_code == 400 and answer.json()["error"]["code"] == "score_config_invalid"
    assert answer.json()["error"]["details"]["field"] == field


def test_a_config_in_use_is_archived_not_deleted(owner, member_factory):
    ann = member_factory("annotator", workspace=owner.workspace)
    created = owner.client.post(api(owner, "score-configs/"),
                                {"name": "Stars", "kind": "numeric", "min": 1, "max": 5, "step": 1}, format="json")
    assert created.status_code == 201 and created.json()["in_use"] is False
    config_id = created.json()["id"]
    queue = services.queue_create(workspace=owner.workspace, user=owner.user, name="q", score_config_ids=[config_id])
    services.items_add_runs(queue=queue, run_ids=[str(make_run(make_app(owner.workspace)).pk)])
    item = services.item_claim_next(queue=queue, user=ann.user)
    with pytest.raises(Exception, match="between 1 and 5"):
        services.review_submit(item=item, user=ann.user, scores={str(config_id): 6})
    services.review_submit(item=item, user=ann.user, scores={str(config_id): 4})
    refused = owner.client.delete(api(owner, f"score-configs/{config_id}/"))
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "score_config_in_use"
    rescale = owner.client.patch(api(owner, f"score-configs/{config_id}/"), {"max": 10}, format="json")
    assert rescale.status_code == 409
    archived = owner.client.patch(api(owner, f"score-configs/{config_id}/"), {"archived": True}, format="json")
    assert archived.json()["archived"] is True and archived.json()["in_use"] is True
    assert owner.client.get(api(owner, "score-configs/")).json()["count"] == 0
    assert owner.client.get(api(owner, "score-configs/?archived=1")).json()["count"] == 1


def test_queues_check_their_settings(owner, member_factory):
    correct, _, _ = make_configs(owner.workspace)
    viewer = member_factory("viewer", workspace=owner.workspace)
    outsider = member_factory("owner")
    base = {"name": "q", "score_config_ids": [correct.pk]}
    for change, field in (({"score_config_ids": []}, "score_config_ids"),
                          ({"reviewer_ids": [viewer.user.pk]}, "reviewer_ids"),
                          ({"reviewer_ids": [outsider.user.pk]}, "reviewer_ids"),
                          ({"score_config_ids": [make_configs(outsider.workspace)[0].pk]}, "score_config_ids")):
        answer = owner.client.post(api(owner, "queues/"), {**base, **change}, format="json")
        assert answer.status_code == 400, (change, answer.content)
        assert answer.json()["error"]["details"]["field"] == field
    for change in ({"required_reviews": 6}, {"lock_timeout_s": 5}, {"name": ""}):
        assert owner.client.post(api(owner, "queues/"), {**base, **change}, format="json").status_code == 400
    created = owner.client.post(api(owner, "queues/"), {**base, "instructions": "# Rules\nBe **kind**."},
                                format="json")
    assert created.status_code == 201 and created.json()["counts"]["total"] == 0


def test_roles_reviewers_review_builders_set_up(owner, member_factory):
    ann = member_factory("annotator", workspace=owner.workspace)
    correct, _, _ = make_configs(owner.workspace)
    queue = make_queue(owner.workspace, owner.user, [correct])
    assert ann.client.get(api(ann, "queues/")).status_code == 200
    for method, tail in (("post", "queues/"), ("post", "score-configs/"), ("get", f"queues/{queue.pk}/items/"),
                         ("get", f"queues/{queue.pk}/agreement/"), ("patch", f"queues/{queue.pk}/"),
                         ("get", f"queues/{queue.pk}/export/"), ("post", f"queues/{queue.pk}/rules/")):
        answer = getattr(ann.client, method)(api(ann, tail), {}, format="json")
        assert answer.status_code == 403, (method, tail)
        assert answer.json()["error"]["code"] == "role_forbidden"


def test_another_workspace_sees_nothing(owner, outsider):
    correct, _, _ = make_configs(owner.workspace)
    queue = make_queue(owner.workspace, owner.user, [correct])
    services.items_add_runs(queue=queue, run_ids=[str(make_run(make_app(owner.workspace)).pk)])
    item = queue.items.get()
    mine = f"/api/workspaces/{outsider.workspace.pk}/annotation/"
    for tail in (f"queues/{queue.pk}/", f"queues/{queue.pk}/items/{item.pk}/", f"score-configs/{correct.pk}/",
                 f"queues/{queue.pk}/agreement/"):
        assert outsider.client.get(mine + tail).status_code == 404
    assert outsider.client.post(mine + f"queues/{queue.pk}/next/", {}, format="json").status_code == 404
    theirs = f"/api/workspaces/{owner.workspace.pk}/annotation/queues/"
    assert outsider.client.get(theirs).status_code == 404
