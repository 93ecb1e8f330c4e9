"""Sharing a published app as a web chat, through the Publish panel's API and the public pages:
off until a builder turns it on, a link with a random token that can be replaced, a rate limit;
the chat page and embed.js answer anonymous visitors, and only the chat page may be framed."""

import pytest
from django.test import Client

from builder.flows.services import app_create
from builder.publishing.models import Publication
from tests.builder.publishing.graphs import greeting_graph
from tests.support.isolation import Call, assert_isolated

pytestmark = pytest.mark.django_db


def make_app(member, name="Front desk"):
    return app_create(workspace=member.workspace, name=name, user=member.user, graph=greeting_graph())


def web_chat_url(member, app, suffix=""):
    return f"/api/workspaces/{member.workspace.pk}/apps/{app.pk}/publish/web-chat/{suffix}"


def published(member, name="Front desk"):
    app = make_app(member, name)
    assert member.client.post(f"/api/workspaces/{member.workspace.pk}/apps/{app.pk}/publish/").status_code == 201
    return app


def turn_on(member, app) -> dict:
    response = member.client.patch(web_chat_url(member, app), {"enabled": True}, format="json")
    assert response.status_code == 200, response.json()
    return response.json()


def token_of(chat: dict) -> str:
    return chat["url"].rstrip("/").rsplit("/", 1)[1]


def test_a_published_apps_web_chat_is_off_until_turned_on_and_then_has_a_link(owner):
    app = published(owner)

    before = owner.client.get(web_chat_url(owner, app)).json()
    chat = turn_on(owner, app)

    assert (before["available"], before["enabled"], before["url"]) == (True, False, None)
    assert chat["enabled"] and chat["rate_limit_per_minute"] == 20
    assert chat["url"].startswith("http://testserver/chat/") and chat["embed_url"] == chat["url"] + "?embed=1"
    assert len(token_of(chat)) >= 32
    assert f'src="http://testserver/embed.js" data-chat="{token_of(chat)}"' in chat["snippets"]["script"]
    assert f'src="{chat["embed_url"]}"' in chat["snippets"]["iframe"]


def test_an_app_that_is_not_published_cannot_share_a_chat_yet(owner):
    app = make_app(owner)

    state = owner.client.get(web_chat_url(owner, app)).json()
    response = owner.client.patch(web_chat_url(owner, app), {"enabled": True}, format="json")

    assert state["available"] is False
    assert response.status_code == 409 and response.json()["error"]["code"] == "app_not_published"


def test_the_chat_page_is_served_to_anonymous_visitors_and_other_sites_may_frame_it(owner):
    app = published(owner, name="Front <desk>")
    token = token_of(turn_on(owner, app))

    page = Client().get(f"/chat/{token}/")
    login = Client().get("/accounts/login/")

    assert page.status_code == 200
    assert "X-Frame-Options" not in page and login["X-Frame-Options"] == "DENY"
    html = page.content.decode()
    assert "<title>Front &lt;desk&gt;</title>" in html and f'data-token="{token}"' in html
    assert page["Cache-Control"] == "no-store" and "noindex" in page["X-Robots-Tag"]
    assert not page.cookies, "the public page sets no session or CSRF cookie"
    assert 'data-embed="1"' in Client().get(f"/chat/{token}/?embed=1").content.decode()


def test_a_link_turned_off_replaced_or_unknown_shows_the_same_not_available_page(owner):
    first = published(owner, "First")
    second = published(owner, "Second")
    turned_off = token_of(turn_on(owner, first))
    owner.client.patch(web_chat_url(owner, first), {"enabled": False}, format="json")
    replaced = token_of(turn_on(owner, second))
    current = token_of(owner.client.post(web_chat_url(owner, second, "rotate/")).json())

    pages = [Client().get(f"/chat/{token}/") for token in (turned_off, replaced, "no-such-link-at-all")]

    assert current != replaced
    assert Client().get(f"/chat/{current}/").status_code == 200
    assert [p.status_code for p in pages] == [404, 404, 404]
    assert len({p.content for p in pages}) == 1
    assert b"This chat is not available" in pages[0].content and "X-Frame-Options" not in pages[0]


def test_turning_the_endpoint_off_takes_the_chat_down_too(owner):
    app = published(owner)
    token = token_of(turn_on(owner, app))

    owner.client.patch(f"/api/workspaces/{owner.workspace.pk}/apps/{app.pk}/publish/", {"enabled": False},
                       format="json")

    assert Client().get(f"/chat/{token}/").status_code == 404
    assert owner.client.get(web_chat_url(owner, app)).json()["endpoint_enabled"] is False


def test_the_rate_limit_is_a_positive_number_of_messages_a_minute_or_none(owner):
    app = published(owner)

    refused = owner.client.patch(web_chat_url(owner, app), {"rate_limit_per_minute": 0}, format="json")
    five = owner.client.patch(web_chat_url(owner, app), {"rate_limit_per_minute": 5}, format="json").json()
    unlimited = owner.client.patch(web_chat_url(owner, app), {"rate_limit_per_minute": None}, format="json").json()

    assert refused.status_code == 400
    assert five["rate_limit_per_minute"] == 5 and unlimited["rate_limit_per_minute"] is None
    assert unlimited["enabled"] is False, "changing the limit does not turn the chat on"


def test_viewers_see_the_web_chat_but_only_builders_change_it(owner, member_factory):
    viewer = member_factory("viewer", workspace=owner.workspace)
    builder = member_factory("builder", workspace=owner.workspace)
    app = published(owner)

    seen = viewer.client.get(web_chat_url(viewer, app))
    switched = viewer.client.patch(web_chat_url(viewer, app), {"enabled": True}, format="json")
    rotated = viewer.client.post(web_chat_url(viewer, app, "rotate/"))

    assert seen.status_code == 200
    assert (switched.status_code, switched.json()["error"]["code"]) == (403, "role_forbidden")
    assert rotated.status_code == 403
    assert Publication.objects.get(app=app).web_chat_enabled is False
    assert turn_on(builder, app)["enabled"] is True


def test_another_workspace_cannot_see_or_change_the_web_chat(owner, outsider):
    app = published(owner)
    turn_on(owner, app)

    assert_isolated(outsider.client, [
        Call("GET", web_chat_url(owner, app)),
        Call("PATCH", web_chat_url(owner, app), {"enabled": False, "rate_limit_per_minute": 1}),
        Call("POST", web_chat_url(owner, app, "rotate/")),
    ], watch=[Publication.objects.all()])


def test_embed_js_is_public_javascript_cached_for_an_hour_and_revalidated(owner):
    response = Client().get("/embed.js")
    again = Client().get("/embed.js", HTTP_IF_NONE_MATCH=response["ETag"])

    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["Cache-Control"] == "public, max-age=3600"
    assert b"data-chat" in response.content and b"attachShadow" in response.content
    assert again.status_code == 304
